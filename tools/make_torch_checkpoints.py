#!/usr/bin/python3
"""Generates the PyTorch-checkpoint test fixtures in src/test/resources/checkpoint/ (a few KB each).

Run with Debian's python3 (torch 1.13, torchaudio 0.13.1):
    /usr/bin/python3 tools/make_torch_checkpoints.py [OUT_DIR]

Each NAME.bin is written by torch.save itself (zip format), and NAME.expected.safetensors holds
what each tensor of NAME.bin holds, as float32 in C order (torch's own .float() conversion),
written by the small independent writer below. The Java tests convert NAME.bin and compare every
element. Also written:
  mixed.bin      float32/float16/bfloat16/float64/int64 tensors, two views sharing one storage (with
                 offsets), a non-contiguous slice, a transpose, a scalar, an empty tensor, a Parameter;
                 saved through a BytesIO, so its zip's top folder is "archive"
  mixed_p4.bin   the same with pickle protocol 4 (expected values: mixed.expected.safetensors)
  ctc/           a tiny Wav2Vec2ForCTC-style checkpoint: names of a real torchaudio model rewritten to
                 transformers' (the prefix rewrite of torchaudio's import_huggingface), 'wav2vec2.'
                 prefix, pos-conv weight_g/weight_v, lm_head, masked_spec_embed; plus config.json and
                 preprocessor_config.json matching it
  ctc-sharded/   the same state dict split in two as transformers' save_pretrained shards it:
                 pytorch_model-0000{1,2}-of-00002.bin + pytorch_model.bin.index.json, and
                 model-0000{1,2}-of-00002.safetensors + model.safetensors.index.json
  dtypes.safetensors / dtypes.expected.safetensors
                 F16 and BF16 bit patterns (all subnormals, infinities and NaNs of F16, a spread of the
                 rest) and torch's float32 value of each, to check the reader's half-precision decoding
  malicious.bin  torch.save of an object whose pickle calls os.system (must be refused, never run)
  legacy.bin     the pre-1.6 non-zip format (must be refused with a re-save hint)
"""
import collections
import io
import json
import os
import struct
import sys

import numpy as np
import torch
import torchaudio

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "checkpoint")


def write_safetensors(path, tensors, dtype_names=None, metadata=None):
    """Independent minimal writer: {name: numpy array}; dtype from the array (f4/f2 or raw uint16 with a name)."""
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    blobs = []
    offset = 0
    for name in sorted(tensors):
        arr = np.array(tensors[name], order="C")  # (ascontiguousarray would turn a 0-d scalar into shape (1,))
        raw = arr.astype(arr.dtype.newbyteorder("<")).tobytes()
        dt = (dtype_names or {}).get(name) or {np.dtype("float32"): "F32", np.dtype("float16"): "F16"}[arr.dtype]
        header[name] = {"dtype": dt, "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def expected(state):
    return {k: v.detach().float().contiguous().numpy() for k, v in state.items()}


def mixed():
    g = torch.Generator().manual_seed(11)
    base = torch.randn(12, generator=g)
    big = torch.randn(3, 8, generator=g)
    square = torch.randn(4, 5, generator=g)
    half = torch.tensor([0.0, -0.0, 1.0, -2.5, 6.0e-8, 6.0e-5, 65504.0, float("inf"), float("-inf"), float("nan"), 0.1],
                        dtype=torch.float16)
    sd = collections.OrderedDict()
    sd["f32.weight"] = torch.randn(2, 3, 4, generator=g)
    sd["f16.weight"] = half.reshape(11)
    sd["f16.matrix"] = torch.randn(3, 5, generator=g).half()
    sd["bf16.weight"] = torch.randn(4, 3, generator=g).bfloat16()
    sd["f64.weight"] = torch.randn(5, generator=g, dtype=torch.float64)
    sd["i64.count"] = torch.tensor([3, -1, 1 << 20], dtype=torch.int64)
    sd["shared.a"] = base[0:6].view(2, 3)             # same storage as shared.b, offset 0
    sd["shared.b"] = base[4:10]                       # overlapping, storage offset 4
    sd["strided"] = big[:, 1::2]                      # non-contiguous: strides (8, 2), offset 1
    sd["transposed"] = square.t()                     # strides (1, 5)
    sd["scalar"] = torch.tensor(2.75)
    sd["empty"] = torch.zeros(0, 3)
    sd["param"] = torch.nn.Parameter(torch.randn(3, generator=g))
    assert sd["shared.a"].storage().data_ptr() == sd["shared.b"].storage().data_ptr()
    assert not sd["strided"].is_contiguous() and not sd["transposed"].is_contiguous()
    buf = io.BytesIO()
    torch.save(sd, buf)
    with open(os.path.join(OUT, "mixed.bin"), "wb") as f:
        f.write(buf.getvalue())
    # the same state dict pickled with protocol 4 (FRAME, SHORT_BINUNICODE, MEMOIZE, STACK_GLOBAL), top folder "mixed_p4"
    torch.save(sd, os.path.join(OUT, "mixed_p4.bin"), pickle_protocol=4)
    write_safetensors(os.path.join(OUT, "mixed.expected.safetensors"), expected(sd),
                      metadata={"source_dtypes": json.dumps({k: str(v.dtype) for k, v in sd.items()})})


def ctc():
    torch.manual_seed(5)
    conv = [(4, 5, 3), (6, 3, 2)]
    model = torchaudio.models.wav2vec2_model(
        extractor_mode="group_norm", extractor_conv_layer_config=conv, extractor_conv_bias=False,
        encoder_embed_dim=8, encoder_projection_dropout=0.0, encoder_pos_conv_kernel=4, encoder_pos_conv_groups=2,
        encoder_num_layers=2, encoder_num_heads=2, encoder_attention_dropout=0.0, encoder_ff_interm_features=12,
        encoder_ff_interm_dropout=0.0, encoder_dropout=0.0, encoder_layer_norm_first=False, encoder_layer_drop=0.0,
        aux_num_out=5)
    # torchaudio -> transformers: the prefix rewrite of torchaudio's import_huggingface (strict load_state_dict)
    rename = [("encoder.feature_projection.", "wav2vec2.feature_projection."), ("encoder.transformer.", "wav2vec2.encoder."),
              ("feature_extractor.", "wav2vec2.feature_extractor."), ("aux.", "lm_head.")]
    sd = collections.OrderedDict()
    for k, v in model.state_dict().items():
        for a, b in rename:
            if k.startswith(a):
                k = b + k[len(a):]
                break
        else:
            raise SystemExit("unmapped torchaudio name " + k)
        sd[k] = v
    sd["wav2vec2.masked_spec_embed"] = torch.rand(8)
    sd._metadata = model.state_dict()._metadata  # as a real state dict has: pickled as BUILD on the OrderedDict
    assert "wav2vec2.encoder.pos_conv_embed.conv.weight_g" in sd and "lm_head.weight" in sd
    d = os.path.join(OUT, "ctc")
    os.makedirs(d, exist_ok=True)
    torch.save(sd, os.path.join(d, "pytorch_model.bin"))
    write_safetensors(os.path.join(d, "expected.safetensors"), expected(sd))
    write_configs(d, conv)
    sharded(sd, os.path.join(OUT, "ctc-sharded"), conv)


def sharded(sd, d, conv):
    """The same state dict as transformers' save_pretrained shards it: consecutive runs of the state dict
    in file NAME-0000i-of-0000N.EXT, and NAME.EXT.index.json = {"metadata": {"total_size"}, "weight_map"}
    (json.dumps with indent=2, sort_keys=True). Both the .bin and the .safetensors flavours."""
    os.makedirs(d, exist_ok=True)
    keys = list(sd.keys())
    parts = [keys[:len(keys) // 2], keys[len(keys) // 2:]]
    total = sum(v.numel() * v.element_size() for v in sd.values())
    for name, ext in (("pytorch_model", "bin"), ("model", "safetensors")):
        weight_map = {}
        for i, part in enumerate(parts):
            shard = "%s-%05d-of-%05d.%s" % (name, i + 1, len(parts), ext)
            sub = collections.OrderedDict((k, sd[k]) for k in part)
            if ext == "bin":
                torch.save(sub, os.path.join(d, shard))
            else:
                write_safetensors(os.path.join(d, shard), expected(sub), metadata={"format": "pt"})
            weight_map.update({k: shard for k in part})
        with open(os.path.join(d, "%s.%s.index.json" % (name, ext)), "w") as f:
            f.write(json.dumps({"metadata": {"total_size": total}, "weight_map": weight_map}, indent=2, sort_keys=True) + "\n")
    write_configs(d, conv)


def write_configs(d, conv):
    config = {"model_type": "wav2vec2", "architectures": ["Wav2Vec2ForCTC"], "conv_dim": [c[0] for c in conv],
              "conv_kernel": [c[1] for c in conv], "conv_stride": [c[2] for c in conv], "conv_bias": False,
              "feat_extract_norm": "group", "do_stable_layer_norm": False, "hidden_size": 8, "num_hidden_layers": 2,
              "num_attention_heads": 2, "intermediate_size": 12, "num_conv_pos_embeddings": 4,
              "num_conv_pos_embedding_groups": 2, "layer_norm_eps": 1e-5, "vocab_size": 5}
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    with open(os.path.join(d, "preprocessor_config.json"), "w") as f:
        json.dump({"do_normalize": True, "sampling_rate": 16000, "feature_size": 1}, f, indent=2)


def dtypes():
    bits = np.arange(1 << 16, dtype=np.uint32)
    exp16 = (bits >> 10) & 0x1F
    f16 = bits[(exp16 == 0) | (exp16 == 0x1F) | (bits % 31 == 0)].astype(np.uint16)
    rng = np.random.default_rng(3)
    bf16 = np.concatenate([np.array([0x0000, 0x8000, 0x3F80, 0x7F80, 0xFF80, 0x7FC0, 0x0001, 0x807F], dtype=np.uint16),
                           rng.integers(0, 1 << 16, 1000, dtype=np.uint16)])
    as_f16 = torch.from_numpy(f16.view(np.int16).copy()).view(torch.float16)
    as_bf16 = torch.from_numpy(bf16.view(np.int16).copy()).view(torch.bfloat16)
    write_safetensors(os.path.join(OUT, "dtypes.safetensors"), {"f16": f16, "bf16": bf16},
                      dtype_names={"f16": "F16", "bf16": "BF16"})
    write_safetensors(os.path.join(OUT, "dtypes.expected.safetensors"),
                      {"f16": as_f16.float().numpy(), "bf16": as_bf16.float().numpy()})


class Evil:
    def __reduce__(self):
        return (os.system, ("echo greenspoof-fixture-must-never-run",))


def hostile():
    torch.save(collections.OrderedDict(w=torch.zeros(2), evil=Evil()), os.path.join(OUT, "malicious.bin"))
    torch.save(collections.OrderedDict(w=torch.arange(4.0)), os.path.join(OUT, "legacy.bin"),
               _use_new_zipfile_serialization=False)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    mixed()
    ctc()
    dtypes()
    hostile()
    print("torch", torch.__version__, "torchaudio", torchaudio.__version__, "->", os.path.abspath(OUT))
