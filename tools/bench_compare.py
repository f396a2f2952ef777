#!/usr/bin/python3
"""PyTorch and ONNX side of tools/bench_compare.sh (run with Debian's /usr/bin/python3: torch 1.13).

  export  --model DIR --out-dir D      ONNX exports of the checkpoint (same weights): D/full.onnx
                                       (last hidden state) and D/layer{K}.onnx (hidden state K)
  torch   --model DIR ...              time PyTorch on the checkpoint; JSON list on stdout
  report  ours.json ort.json torch.json   the side-by-side table with ratios

The model is torchaudio's wav2vec2 built and loaded by tools/make_encoder_fixtures.py (the
fixture generator the Java parity tests are checked against), so all three engines run the
same weights. The input is the signal of org.greenspoof.cli.BenchCommand.signal, recomputed here.
"""
import argparse
import json
import math
import os
import re
import statistics
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_encoder_fixtures as fx  # noqa: E402

SAMPLE_RATE = 16000


def signal(n):
    """Same values as BenchCommand.signal (harmonic series with vibrato + 32-bit LCG noise)."""
    t = np.arange(n, dtype=np.float64) / SAMPLE_RATE
    phase = 2 * np.pi * (140 * t + 3 * np.sin(2 * np.pi * 0.5 * t))
    v = sum(np.sin(h * phase) / h for h in range(1, 6))
    state = np.empty(n, dtype=np.float64)
    s = 1
    for i in range(n):
        s = (s * 1664525 + 1013904223) & 0xFFFFFFFF
        state[i] = s
    return (0.2 * v + 0.02 * (state / 4294967296.0 - 0.5)).astype(np.float32)


def load(model_dir):
    cfg = json.load(open(os.path.join(model_dir, "config.json")))
    model = fx.build(cfg)
    fx.load_hf_weights(model, cfg, fx.read_safetensors(os.path.join(model_dir, "model.safetensors")))
    return model.eval(), cfg


class UpTo(torch.nn.Module):
    """Hidden state `layers` of HF's hidden_states (layers above it not run); batch 1, no mask."""

    def __init__(self, model, layers):
        super().__init__()
        self.model = model
        self.layers = layers

    def forward(self, x):
        feats, _ = self.model.extract_features(x, num_layers=self.layers)
        return feats[-1]


def export(args):
    model, cfg = load(args.model)
    os.makedirs(args.out_dir, exist_ok=True)
    x = torch.from_numpy(signal(SAMPLE_RATE))[None, :]
    for k in sorted(set(args.max_layer)):
        name = "full.onnx" if k == cfg["num_hidden_layers"] else f"layer{k}.onnx"
        path = os.path.join(args.out_dir, name)
        tmp = path + ".tmp"
        with torch.no_grad():
            torch.onnx.export(UpTo(model, k), (x,), tmp, input_names=["input"], output_names=["hidden"],
                              dynamic_axes={"input": {1: "samples"}, "hidden": {1: "frames"}}, opset_version=14)
        os.replace(tmp, path)
        print(f"wrote {path} (hidden state {k})", file=sys.stderr)


def time_torch(args):
    torch.set_num_threads(args.threads)
    model, cfg = load(args.model)
    out = []
    for sec in args.seconds:
        x = torch.from_numpy(signal(int(round(sec * SAMPLE_RATE))))[None, :]
        for k in args.max_layer:
            net = UpTo(model, k)
            with torch.no_grad():
                for _ in range(args.warmup):
                    net(x)
                times = []
                for _ in range(args.runs):
                    t0 = time.perf_counter()
                    net(x)
                    times.append(time.perf_counter() - t0)
            med = statistics.median(times)
            out.append(dict(engine="pytorch", seconds=sec, threads=args.threads, max_layer=k, median_s=med,
                            rtf=med / sec, version=torch.__version__))
    json.dump(out, sys.stdout, indent=1)


def report(args):
    rows = {}
    for path in args.files:
        for r in json.load(open(path)):
            engine = r.get("engine")
            if engine is None:  # greenspoof's own rows, one column per JDK ("Debian 17.0.15+6-...": 17)
                engine = "JDK " + re.search(r"\b(\d+)(?:[.+]|$)", r["jdk"]).group(1)
            rows.setdefault((engine, float(r["seconds"]), int(r["threads"]), int(r["max_layer"])), []).append(r)
    # One cell per engine and configuration: the median over the rounds (each a median of its runs).
    rounds = max((len(rs) for rs in rows.values()), default=0)
    spread = {}
    for key, rs in rows.items():
        times = sorted(r["median_s"] for r in rs)
        spread[key[0]] = max(spread.get(key[0], 1.0), times[-1] / times[0])
        rows[key] = dict(rs[0], median_s=statistics.median(times), rtf=statistics.median(times) / key[1])
    ours_cols = sorted({k[0] for k in rows if k[0].startswith("JDK ")}, key=lambda e: int(e[4:]))
    keys = sorted({k[1:] for k in rows})
    head = f"{'seconds':>7} {'threads':>7} {'layer':>5}" + "".join(f" {c:>8}" for c in ours_cols)
    head += f" {'ORT':>8} {'PyTorch':>8}" + "".join(f" {c[4:] + '/ORT':>7} {c[4:] + '/PT':>6}" for c in ours_cols)
    head += "   % of FMA peak:" + "".join(f" {c[4:]:>4}" for c in ours_cols) + f" {'ORT':>4} {'PT':>4}"
    print(head)
    for sec, th, k in keys:
        ours = [rows.get((c, sec, th, k)) for c in ours_cols]
        ort = rows.get(("onnxruntime", sec, th, k))
        pt = rows.get(("pytorch", sec, th, k))
        gflop = next((o["gflop"] for o in ours if o), None)

        def rtf(r):
            return f" {r['rtf']:8.4f}" if r else f" {'-':>8}"

        def ratio(a, b, width):
            return f" {a['rtf'] / b['rtf']:{width}.2f}" if a and b else f" {'-':>{width}}"

        def share(r):
            # greenspoof counts the forward's flops (the same model and input for every engine).
            if not (r and gflop and args.peak > 0):
                return f" {'-':>4}"
            return f" {100 * gflop / r['median_s'] / (args.peak * th):4.0f}"
        line = f"{sec:7.1f} {th:7d} {k:5d}" + "".join(rtf(o) for o in ours) + rtf(ort) + rtf(pt)
        line += "".join(ratio(o, ort, 7) + ratio(o, pt, 6) for o in ours)
        line += "   " + " " * 14 + "".join(share(o) for o in ours) + share(ort) + share(pt)
        print(line)
    print("RTF = median wall seconds per second of audio (lower is faster); ratios < 1 mean greenspoof is faster;"
          " % of FMA peak = the forward's GFLOP/s over the one-core peak times the threads")
    print(f"Each cell: the median over {rounds} round(s), engines in turn within a round, of that round's median;"
          " the widest slowest/fastest round of any cell: "
          + ", ".join(f"{e} {spread[e]:.2f}" for e in ours_cols + ["onnxruntime", "pytorch"] if e in spread))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("export")
    e.add_argument("--model", required=True)
    e.add_argument("--out-dir", required=True)
    e.add_argument("--max-layer", type=int, nargs="+", required=True)
    t = sub.add_parser("torch")
    t.add_argument("--model", required=True)
    t.add_argument("--threads", type=int, required=True)
    t.add_argument("--seconds", type=float, nargs="+", required=True)
    t.add_argument("--max-layer", type=int, nargs="+", required=True)
    t.add_argument("--runs", type=int, default=5)
    t.add_argument("--warmup", type=int, default=2)
    r = sub.add_parser("report")
    r.add_argument("--peak", type=float, default=0, help="FMA peak of one core, GFLOP/s")
    r.add_argument("files", nargs="+")
    args = ap.parse_args()
    {"export": export, "torch": time_torch, "report": report}[args.cmd](args)


if __name__ == "__main__":
    main()
