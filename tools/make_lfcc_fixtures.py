#!/usr/bin/python3
"""Reference LFCC fixtures for org.greenspoof.frontend.Lfcc, from torchaudio (Debian: torch 1.13, torchaudio 0.13.1).

Run from the repository root:  /usr/bin/python3 tools/make_lfcc_fixtures.py
Writes src/test/resources/lfcc/: for each test signal NAME
  NAME.signal.f32  the input, float32 little-endian, 16 kHz
  NAME.lfcc.f64    expected [frames][60] (20 LFCC, 20 deltas, 20 delta-deltas), float64 little-endian
and manifest.json (frames per signal, pooled mean and population std per signal, the parameters).

The LFCC is torchaudio.transforms.LFCC with the ASVspoof 2019 baseline's framing (see Lfcc.java):
n_filter=20, n_lfcc=20, log_lf=True, speckwargs n_fft=512, win_length=320, hop_length=160,
Hamming window (torch's periodic default), center=False, power=2; deltas and delta-deltas by
torchaudio.functional.compute_deltas (win_length=5, replicate padding). Signals shorter than one FFT
frame are zero-padded to 512 samples first (torchaudio would refuse them). Everything is computed in
float64 so the fixtures test the algorithm, not float32 rounding.
"""
import json
import os

import numpy as np
import torch
import torchaudio

torch.set_default_dtype(torch.float64)  # filterbank and DCT matrices in double, like the Java side
OUT = os.path.join("src", "test", "resources", "lfcc")
SR = 16000
N_FFT = 512


def lfcc_module():
    return torchaudio.transforms.LFCC(
        sample_rate=SR, n_filter=20, n_lfcc=20, log_lf=True,
        speckwargs=dict(n_fft=N_FFT, win_length=320, hop_length=160, window_fn=torch.hamming_window,
                        wkwargs=dict(dtype=torch.float64), center=False, power=2.0))


def signals():
    rng = np.random.default_rng(20190)
    t = np.arange(SR // 2) / SR
    # A chirp plus noise: every filter sees energy, frequencies move so deltas are non-trivial.
    chirp = 0.3 * np.sin(2 * np.pi * (200 * t + 3000 * t * t)) + 0.01 * rng.standard_normal(t.size)
    # A voiced-like pulse train through two resonances, with silence at the start (log floor region).
    pulses = np.zeros(6000)
    pulses[1000::120] = 1.0
    voiced = np.convolve(pulses, np.exp(-np.arange(200) / 30.0) * np.sin(2 * np.pi * 700 * np.arange(200) / SR))
    voiced = 0.2 * voiced[:6000] / np.abs(voiced).max()
    # Shorter than one FFT frame: padded to 512 samples.
    short = 0.5 * rng.uniform(-1, 1, 300)
    # Exactly one frame plus one hop minus one sample: frame count boundary.
    edge = 0.1 * rng.standard_normal(512 + 159)
    return {"chirp": chirp, "voiced": voiced, "short": short, "edge": edge}


def main():
    os.makedirs(OUT, exist_ok=True)
    module = lfcc_module()
    manifest = {"params": "see tools/make_lfcc_fixtures.py", "torchaudio": torchaudio.__version__, "signals": {}}
    for name, x in signals().items():
        x32 = x.astype("<f4")
        x32.tofile(os.path.join(OUT, name + ".signal.f32"))
        xd = torch.from_numpy(x32.astype(np.float64))
        if xd.numel() < N_FFT:
            xd = torch.nn.functional.pad(xd, (0, N_FFT - xd.numel()))
        c = module(xd)  # (20, frames)
        d1 = torchaudio.functional.compute_deltas(c, win_length=5)
        d2 = torchaudio.functional.compute_deltas(d1, win_length=5)
        feats = torch.cat([c, d1, d2], dim=0).T.contiguous().numpy()  # (frames, 60)
        feats.astype("<f8").tofile(os.path.join(OUT, name + ".lfcc.f64"))
        manifest["signals"][name] = {
            "samples": int(x32.size), "frames": int(feats.shape[0]),
            "mean": feats.mean(axis=0).tolist(), "std": feats.std(axis=0).tolist()}
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)


if __name__ == "__main__":
    main()
