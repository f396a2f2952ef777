#!/usr/bin/python3
"""Reference fixtures for the Java wav2vec2-family encoder (org.greenspoof.model).

Builds each architecture with torchaudio 0.13.1's wav2vec2 builder, gives EVERY parameter seeded
random values (norm gains and biases too, so that a mistake in any of them shows), writes the model
the way users' Hugging Face checkpoints look (model.safetensors under transformers names,
config.json, preprocessor_config.json) and dumps the activations transformers would return for
deterministic inputs of 1.0 s and 2.37 s.

torchaudio 0.13.1 has no WavLM: WavLMAttention below follows transformers' modeling_wavlm.py
(gated relative position bias; the bucketed bias table lives in layer 0 and is handed on ungated)
and is plugged into torchaudio's encoder layers.

Run with Debian's interpreter (torch 1.13, torchaudio 0.13.1):
  /usr/bin/python3 tools/make_encoder_fixtures.py                       # regenerate src/test/resources/encoder
  /usr/bin/python3 tools/make_encoder_fixtures.py --check-against /work/shared/reference
  /usr/bin/python3 tools/make_encoder_fixtures.py --full-size /tmp/w2v2-full   # 768/12 layers, outside CI
"""
import argparse
import json
import math
import os
import shutil
import sys

import numpy as np
import torch
import torch.nn.functional as F
import torchaudio
from torch import nn

OUT_DEFAULT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "encoder")
LENGTHS = (16000, 37920)
CONV_KERNEL = [10, 3, 3, 3, 3, 2, 2]
CONV_STRIDE = [5, 2, 2, 2, 2, 2, 2]
# Unequal widths, hidden != last conv width: a transposed or mis-indexed weight cannot pass.
TINY = dict(conv_dim=[32, 40, 40, 48, 48, 56, 64], hidden_size=48, num_attention_heads=4,
            intermediate_size=112, num_hidden_layers=3, num_conv_pos_embeddings=16,
            num_conv_pos_embedding_groups=4)
FULL = dict(conv_dim=[512] * 7, hidden_size=768, num_attention_heads=12, intermediate_size=3072,
            num_hidden_layers=12, num_conv_pos_embeddings=128, num_conv_pos_embedding_groups=16)

# name -> (model_type, overrides). Seeds differ per variant.
VARIANTS = {
    "w2v2-base": dict(seed=11, model_type="wav2vec2", feat_extract_norm="group", conv_bias=False,
                      do_stable_layer_norm=False, do_normalize=True),
    "w2v2-large": dict(seed=12, model_type="wav2vec2", feat_extract_norm="layer", conv_bias=True,
                       do_stable_layer_norm=True, do_normalize=True),
    "hubert-base": dict(seed=13, model_type="hubert", feat_extract_norm="group", conv_bias=False,
                        do_stable_layer_norm=False, do_normalize=False, feat_proj_layer_norm=True),
    # HubertFeatureProjection without its LayerNorm (feat_proj_layer_norm: false)
    "hubert-noprojln": dict(seed=14, model_type="hubert", feat_extract_norm="group", conv_bias=False,
                            do_stable_layer_norm=False, do_normalize=True, feat_proj_layer_norm=False),
    "wavlm-base": dict(seed=15, model_type="wavlm", feat_extract_norm="group", conv_bias=False,
                       do_stable_layer_norm=False, do_normalize=False, num_buckets=40, max_bucket_distance=64),
    "wavlm-large": dict(seed=16, model_type="wavlm", feat_extract_norm="layer", conv_bias=False,
                        do_stable_layer_norm=True, do_normalize=True, num_buckets=40, max_bucket_distance=64),
    # Wav2Vec2ForCTC: base tensors prefixed "wav2vec2.", pos-conv weight norm stored as
    # parametrizations.weight.original0/1, lm_head; odd pos kernel (no frame dropped), 2 layers.
    "w2v2-base-ctc": dict(seed=17, model_type="wav2vec2", feat_extract_norm="group", conv_bias=True,
                          do_stable_layer_norm=False, do_normalize=True, ctc_vocab=24,
                          num_conv_pos_embeddings=15, num_conv_pos_embedding_groups=3, num_hidden_layers=2),
}


# ---------------------------------------------------------------------------------------------
# WavLM attention (transformers' WavLMAttention semantics)

class WavLMAttention(nn.Module):
    def __init__(self, embed_dim, num_heads, num_buckets, max_distance, has_relative_position_bias):
        super().__init__()
        self.embed_dim = embed_dim
        self.num_heads = num_heads
        self.head_dim = embed_dim // num_heads
        self.num_buckets = num_buckets
        self.max_distance = max_distance
        self.q_proj = nn.Linear(embed_dim, embed_dim)
        self.k_proj = nn.Linear(embed_dim, embed_dim)
        self.v_proj = nn.Linear(embed_dim, embed_dim)
        self.out_proj = nn.Linear(embed_dim, embed_dim)
        self.gru_rel_pos_const = nn.Parameter(torch.ones(1, num_heads, 1, 1))
        self.gru_rel_pos_linear = nn.Linear(self.head_dim, 8)
        if has_relative_position_bias:
            self.rel_attn_embed = nn.Embedding(num_buckets, num_heads)

    def buckets(self, rel):
        half = self.num_buckets // 2
        out = (rel > 0).to(torch.long) * half
        rel = torch.abs(rel)
        max_exact = half // 2
        is_small = rel < max_exact
        large = torch.log(rel.float() / max_exact) / math.log(self.max_distance / max_exact) * (half - max_exact)
        large = torch.min((max_exact + large).to(torch.long), torch.full_like(rel, half - 1))
        return out + torch.where(is_small, rel, large)

    def compute_bias(self, t):
        rel = torch.arange(t)[None, :] - torch.arange(t)[:, None]  # key - query
        return self.rel_attn_embed(self.buckets(rel)).permute(2, 0, 1)  # (nh, q, k)

    def forward(self, x, position_bias):
        bsz, t, _ = x.shape
        if position_bias is None:
            position_bias = self.compute_bias(t).unsqueeze(0).repeat(bsz, 1, 1, 1).view(bsz * self.num_heads, t, t)
        gated = x.view(bsz, t, self.num_heads, -1).permute(0, 2, 1, 3)
        proj = self.gru_rel_pos_linear(gated).view(bsz, self.num_heads, t, 2, 4).sum(-1)
        gate_a, gate_b = torch.sigmoid(proj).chunk(2, dim=-1)
        gate = gate_a * (gate_b * self.gru_rel_pos_const - 1.0) + 2.0
        gated_bias = gate.view(bsz * self.num_heads, -1, 1) * position_bias
        q = x.transpose(0, 1)
        out, _ = F.multi_head_attention_forward(
            q, q, q, self.embed_dim, self.num_heads, torch.empty([0]),
            torch.cat((self.q_proj.bias, self.k_proj.bias, self.v_proj.bias)), None, None, False, 0.0,
            self.out_proj.weight, self.out_proj.bias, False, None, False, gated_bias,
            use_separate_proj_weight=True, q_proj_weight=self.q_proj.weight,
            k_proj_weight=self.k_proj.weight, v_proj_weight=self.v_proj.weight)
        return out.transpose(0, 1), position_bias


# ---------------------------------------------------------------------------------------------
# Model construction, random init, forward with HF hidden_states semantics

def full_config(v, size):
    cfg = dict(size)
    cfg.update({k: v[k] for k in v if k in ("num_conv_pos_embeddings", "num_conv_pos_embedding_groups",
                                             "num_hidden_layers")})
    arch = {"wav2vec2": "Wav2Vec2Model", "hubert": "HubertModel", "wavlm": "WavLMModel"}[v["model_type"]]
    if v.get("ctc_vocab"):
        arch = "Wav2Vec2ForCTC"
    cfg.update(model_type=v["model_type"], architectures=[arch], conv_kernel=CONV_KERNEL, conv_stride=CONV_STRIDE,
               conv_bias=v["conv_bias"], feat_extract_norm=v["feat_extract_norm"], feat_extract_activation="gelu",
               hidden_act="gelu", do_stable_layer_norm=v["do_stable_layer_norm"], layer_norm_eps=1e-5,
               num_feat_extract_layers=7, hidden_dropout=0.1, attention_dropout=0.1, activation_dropout=0.1,
               feat_proj_dropout=0.1, layerdrop=0.1, mask_time_prob=0.05, torch_dtype="float32",
               transformers_version="4.40.0")
    if v["model_type"] == "hubert":
        cfg["feat_proj_layer_norm"] = v["feat_proj_layer_norm"]
    if v["model_type"] == "wavlm":
        cfg.update(num_buckets=v["num_buckets"], max_bucket_distance=v["max_bucket_distance"])
    if v.get("ctc_vocab"):
        cfg["vocab_size"] = v["ctc_vocab"]
    return cfg


def build(cfg):
    """torchaudio model for an HF config dict (also the one --check-against reads)."""
    stable = cfg.get("do_stable_layer_norm", False)
    model = torchaudio.models.wav2vec2_model(
        extractor_mode="layer_norm" if cfg.get("feat_extract_norm", "group") == "layer" else "group_norm",
        extractor_conv_layer_config=list(zip(cfg["conv_dim"], cfg["conv_kernel"], cfg["conv_stride"])),
        extractor_conv_bias=cfg.get("conv_bias", False),
        encoder_embed_dim=cfg["hidden_size"], encoder_projection_dropout=0.0,
        encoder_pos_conv_kernel=cfg["num_conv_pos_embeddings"],
        encoder_pos_conv_groups=cfg["num_conv_pos_embedding_groups"],
        encoder_num_layers=cfg["num_hidden_layers"], encoder_num_heads=cfg["num_attention_heads"],
        encoder_attention_dropout=0.0, encoder_ff_interm_features=cfg["intermediate_size"],
        encoder_ff_interm_dropout=0.0, encoder_dropout=0.0, encoder_layer_norm_first=stable,
        encoder_layer_drop=0.0,
        aux_num_out=cfg["vocab_size"] if "ForCTC" in cfg["architectures"][0] else None)
    if cfg["model_type"] == "hubert" and not cfg.get("feat_proj_layer_norm", True):
        model.encoder.feature_projection.layer_norm = nn.Identity()
    if cfg["model_type"] == "wavlm":
        for n, layer in enumerate(model.encoder.transformer.layers):
            layer.attention = WavLMAttention(cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_buckets"],
                                             cfg["max_bucket_distance"], n == 0)
    return model.eval()


def randomize(model, seed):
    """Every parameter random, scaled so activations stay O(1) and attention logits have std ~2."""
    g = torch.Generator().manual_seed(seed)

    def rn(shape, std, mean=0.0):
        return torch.randn(shape, generator=g) * std + mean

    with torch.no_grad():
        for name, p in model.named_parameters():
            s = tuple(p.shape)
            leaf = name.rsplit(".", 1)[-1]
            if "layer_norm" in name:  # GroupNorm / LayerNorm affine
                p.copy_(rn(s, 0.2, 1.0) if leaf == "weight" else rn(s, 0.1))
            elif "conv_layers" in name:
                fan_in = s[1] * s[2] if leaf == "weight" else 1
                p.copy_(rn(s, math.sqrt(2.0 / fan_in)) if leaf == "weight" else rn(s, 0.1))
            elif leaf == "weight_g":
                p.copy_(torch.rand(s, generator=g) * 2.0 + 1.0)
            elif leaf == "weight_v":
                p.copy_(rn(s, 1.0))
            elif name.endswith("pos_conv_embed.conv.bias"):
                p.copy_(rn(s, 0.1))
            elif "rel_attn_embed" in name:
                p.copy_(rn(s, 1.0))
            elif "gru_rel_pos_const" in name:
                p.copy_(rn(s, 0.5, 1.0))
            elif leaf == "weight":  # Linear (out, in)
                gain = 1.5 if ("q_proj" in name or "k_proj" in name) else 1.0
                p.copy_(rn(s, gain / math.sqrt(s[1])))
            elif leaf == "bias":
                p.copy_(rn(s, 0.1))
            else:
                raise SystemExit(f"no init rule for {name}")


def layer_forward(layer, h, bias, stable, wavlm):
    if not wavlm:
        return layer(h), None
    res = h
    x = layer.layer_norm(h) if stable else h
    a, bias = layer.attention(x, bias)
    h = res + a
    if stable:
        h = h + layer.feed_forward(layer.final_layer_norm(h))
    else:
        h = layer.layer_norm(h)
        h = layer.final_layer_norm(h + layer.feed_forward(h))
    return h, bias


@torch.no_grad()
def forward(model, cfg, input_values):
    """Activations with transformers' meaning, batch 1, float32."""
    stable = cfg.get("do_stable_layer_norm", False)
    wavlm = cfg["model_type"] == "wavlm"
    x = torch.from_numpy(input_values)[None, :]
    conv, _ = model.feature_extractor(x, None)
    fp = model.encoder.feature_projection
    ext = fp.layer_norm(conv)
    proj = fp.projection(ext)
    tr = model.encoder.transformer
    pos = tr.pos_conv_embed(proj)
    h = proj + pos
    if not stable:
        h = tr.layer_norm(h)
    hs, bias = [h], None
    for layer in tr.layers:
        h, bias = layer_forward(layer, h, bias, stable, wavlm)
        hs.append(h)
    if stable:
        hs[-1] = tr.layer_norm(hs[-1])
    out = dict(conv_features=conv[0], projected=proj[0], pos_conv=pos[0], hidden_states=torch.stack(hs)[:, 0])
    if not isinstance(fp.layer_norm, nn.Identity):
        out["extract_features"] = ext[0]
    if model.aux is not None:
        out["logits"] = model.aux(hs[-1])[0]
    checks = {}
    if not wavlm:  # torchaudio's own forward/extract_features must agree with our HF-semantics loop
        ta_out, _ = model(x)
        checks["vs_torchaudio_forward"] = float((ta_out[0] - (model.aux(hs[-1]) if model.aux else hs[-1])[0]).abs().max())
        feats, _ = model.extract_features(x)
        upto = len(feats) if not stable else len(feats) - 1
        checks["vs_torchaudio_extract_features"] = max(float((feats[i][0] - hs[i + 1][0]).abs().max()) for i in range(upto))
    return {k: np.ascontiguousarray(v.numpy(), dtype=np.float32) for k, v in out.items()}, checks


# ---------------------------------------------------------------------------------------------
# Files: HF names, safetensors, npy

def hf_state_dict(model, cfg, prefix="", parametrizations=False):
    out = {}
    for name, t in model.state_dict().items():
        if name.startswith("encoder.feature_projection."):
            hf = "feature_projection." + name[len("encoder.feature_projection."):]
        elif name.startswith("encoder.transformer."):
            hf = "encoder." + name[len("encoder.transformer."):]
        elif name.startswith("feature_extractor."):
            hf = name
        elif name.startswith("aux."):
            out["lm_head." + name[4:]] = t.numpy().astype(np.float32)
            continue
        else:
            raise SystemExit(f"unmapped torchaudio name {name}")
        if parametrizations:
            hf = hf.replace("conv.weight_g", "conv.parametrizations.weight.original0")
            hf = hf.replace("conv.weight_v", "conv.parametrizations.weight.original1")
        out[prefix + hf] = t.numpy().astype(np.float32)
    return out


def write_safetensors(path, tensors, metadata):
    header, offset = {"__metadata__": metadata}, 0
    names = sorted(tensors)
    for n in names:
        nbytes = tensors[n].size * 4
        header[n] = {"dtype": "F32", "shape": list(tensors[n].shape), "data_offsets": [offset, offset + nbytes]}
        offset += nbytes
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(np.uint64(len(h)).astype("<u8").tobytes())
        f.write(h)
        for n in names:
            f.write(np.ascontiguousarray(tensors[n], dtype="<f4").tobytes())


def read_safetensors(path):
    with open(path, "rb") as f:
        n = int(np.frombuffer(f.read(8), "<u8")[0])
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        assert e["dtype"] == "F32", (name, e["dtype"])
        b, end = e["data_offsets"]
        out[name] = np.frombuffer(data[b:end], "<f4").reshape(e["shape"]).copy()
    return out


def load_hf_weights(model, cfg, tensors):
    """Inverse of hf_state_dict: strict load of HF-named tensors into the torchaudio model."""
    prefix = {"wav2vec2": "wav2vec2.", "hubert": "hubert.", "wavlm": "wavlm."}[cfg["model_type"]]
    sd = {}
    for name, a in tensors.items():
        if name == "masked_spec_embed" or name == prefix + "masked_spec_embed":
            continue
        n = name[len(prefix):] if name.startswith(prefix) else name
        n = n.replace("parametrizations.weight.original0", "weight_g").replace("parametrizations.weight.original1", "weight_v")
        if n.startswith("feature_projection."):
            n = "encoder." + n
        elif n.startswith("encoder."):
            n = "encoder.transformer." + n[len("encoder."):]
        elif n.startswith("lm_head."):
            n = "aux." + n[len("lm_head."):]
        sd[n] = torch.from_numpy(a)
    model.load_state_dict(sd, strict=True)


def test_signal(n, seed):
    """Deterministic speech-like test input: two chirps, 3 Hz envelope, seeded noise, DC offset."""
    t = np.arange(n, dtype=np.float64) / 16000.0
    dur = n / 16000.0
    c1 = np.sin(2 * np.pi * (150 * t + (2800 - 150) / (2 * dur) * t * t))
    c2 = np.sin(2 * np.pi * (4500 * t + (250 - 4500) / (2 * dur) * t * t))
    env = 0.6 + 0.4 * np.sin(2 * np.pi * 3 * t)
    noise = np.random.default_rng(seed).standard_normal(n) * 0.03
    return (0.2 * env * c1 + 0.08 * c2 + noise + 0.01).astype(np.float32)


def normalize(x):
    """Wav2Vec2FeatureExtractor.zero_mean_unit_var_norm for one utterance (numpy float32)."""
    return ((x - x.mean()) / np.sqrt(x.var() + 1e-7)).astype(np.float32)


def scaled_err(a, ref):
    return float(np.abs(a - ref).max() / max(1.0, np.abs(ref).max()))


def make_variant(out_dir, name, v, size, lengths):
    cfg = full_config(v, size)
    model = build(cfg)
    randomize(model, v["seed"])
    ctc = bool(v.get("ctc_vocab"))
    prefix = "wav2vec2." if ctc else ""
    tensors = hf_state_dict(model, cfg, prefix=prefix, parametrizations=ctc)
    # Real checkpoints carry the SpecAugment vector; it is unused at inference and must be ignored.
    tensors[prefix + "masked_spec_embed"] = np.random.default_rng(v["seed"]).uniform(size=cfg["hidden_size"]).astype(np.float32)
    d = os.path.join(out_dir, name)
    if os.path.exists(d):
        shutil.rmtree(d)
    os.makedirs(d)
    write_safetensors(os.path.join(d, "model.safetensors"), tensors,
                      {"format": "pt", "generator": "tools/make_encoder_fixtures.py", "variant": name, "seed": str(v["seed"])})
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    with open(os.path.join(d, "preprocessor_config.json"), "w") as f:
        json.dump({"do_normalize": v["do_normalize"], "feature_extractor_type": "Wav2Vec2FeatureExtractor",
                   "feature_size": 1, "padding_side": "right", "padding_value": 0.0,
                   "return_attention_mask": False, "sampling_rate": 16000}, f, indent=2)
    # Reload what was written: the files, not the in-memory model, are the reference.
    model2 = build(cfg)
    load_hf_weights(model2, cfg, read_safetensors(os.path.join(d, "model.safetensors")))
    report = {}
    for i, n in enumerate(lengths):
        wave = test_signal(n, 1000 * v["seed"] + i)
        iv = normalize(wave) if v["do_normalize"] else wave
        acts, checks = forward(model2, cfg, iv)
        ref, _ = forward(model, cfg, iv)
        checks["reload"] = max(float(np.abs(acts[k] - ref[k]).max()) for k in acts)
        sd = os.path.join(d, f"single_{n}")
        os.makedirs(sd)
        np.save(os.path.join(sd, "waveform.npy"), wave)
        np.save(os.path.join(sd, "input_values.npy"), iv)
        for k, a in acts.items():
            np.save(os.path.join(sd, k + ".npy"), a)
        hs = acts["hidden_states"]
        report[n] = dict(frames=hs.shape[1], max_abs_h=float(np.abs(hs).max()), rms_h=float(np.sqrt((hs ** 2).mean())), **checks)
    size_bytes = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(d) for f in fs)
    print(f"{name}: {size_bytes / 1e6:.2f} MB {json.dumps(report)}")
    return size_bytes


def check_against(ref_root):
    """Load each shared reference set into this generator's torch model; compare activations."""
    worst = 0.0
    for name in sorted(os.listdir(ref_root)):
        d = os.path.join(ref_root, name)
        if not os.path.isfile(os.path.join(d, "config.json")):
            continue
        cfg = json.load(open(os.path.join(d, "config.json")))
        model = build(cfg)
        load_hf_weights(model, cfg, read_safetensors(os.path.join(d, "model.safetensors")))
        for sub in sorted(os.listdir(d)):
            if not sub.startswith("single_"):
                continue
            iv = np.load(os.path.join(d, sub, "input_values.npy"))[0]
            acts, _ = forward(model, cfg, iv)
            errs = {}
            for k, a in acts.items():
                p = os.path.join(d, sub, k + ".npy")
                if os.path.exists(p):
                    ref = np.load(p)
                    ref = ref[:, 0] if k == "hidden_states" else ref[0]
                    errs[k] = scaled_err(a, ref)
            worst = max(worst, max(errs.values()))
            print(f"{name}/{sub}: " + " ".join(f"{k}={e:.2e}" for k, e in errs.items()))
    print(f"worst scaled error vs reference: {worst:.2e}")
    return worst


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=OUT_DEFAULT, help="fixture root (default: src/test/resources/encoder)")
    ap.add_argument("--check-against", metavar="REF_ROOT", help="compare this generator with an independent fixture set")
    ap.add_argument("--full-size", metavar="OUTDIR", help="write the full-size base model (768/12/3072, pos 128/16) + a 4 s reference")
    args = ap.parse_args()
    torch.set_num_threads(1)
    if args.check_against:
        sys.exit(0 if check_against(args.check_against) <= 2e-5 else 1)
    if args.full_size:
        v = dict(VARIANTS["w2v2-base"], seed=21)
        make_variant(args.full_size, "w2v2-base-full", v, FULL, (64000,))
        return
    for name, v in VARIANTS.items():
        size = dict(TINY)
        size_bytes = make_variant(args.out, name, v, size, LENGTHS)
        if size_bytes > 2_000_000:
            raise SystemExit(f"{name} is {size_bytes} bytes, over the 2 MB fixture budget")


if __name__ == "__main__":
    main()
