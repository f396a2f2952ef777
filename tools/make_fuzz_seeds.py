#!/usr/bin/python3
"""Writes the seed corpora of the fuzz targets (src/test/resources/org/greenspoof/**/*FuzzTestInputs/).

Small, valid inputs of every reader, so the fuzzer starts from the formats' real structure:
WAV (PCM 8/16/24/32, float, EXTENSIBLE, RF64, streamed), FLAC (CONSTANT, VERBATIM, FIXED,
stereo), .npy, safetensors headers, config.json files, store folders, protocols and lists,
score files. The torch checkpoints and classifier files are copied from the test fixtures.
Run from the repository root: /usr/bin/python3 tools/make_fuzz_seeds.py
"""
import json
import math
import os
import shutil
import struct

ROOT = "src/test/resources/org/greenspoof"


def put(rel, data):
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(path, "wb") as f:
        f.write(data)


def tone(n, scale, rate=16000):
    return [int(scale * math.sin(2 * math.pi * 440 * i / rate)) for i in range(n)]


# ---- WAV ----
def wav(fmt_tag, channels, rate, bits, frames_bytes, rf64=False, extensible=False, streamed=False):
    block = channels * ((bits + 7) // 8)
    fmt = struct.pack("<HHIIHH", 0xFFFE if extensible else fmt_tag, channels, rate, rate * block, block, bits)
    if extensible:
        guid = struct.pack("<H", fmt_tag) + bytes([0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71])
        fmt += struct.pack("<HHI", 22, bits, 0) + guid
    chunks = b""
    if rf64:
        chunks += b"ds64" + struct.pack("<IQQQI", 28, 0, len(frames_bytes), len(frames_bytes) // block, 0)
    chunks += b"fmt " + struct.pack("<I", len(fmt)) + fmt
    size = 0xFFFFFFFF if (rf64 or streamed) else len(frames_bytes)
    chunks += b"data" + struct.pack("<I", size) + frames_bytes
    if len(frames_bytes) & 1 and not streamed:
        chunks += b"\0"
    return (b"RF64" if rf64 else b"RIFF") + struct.pack("<I", 0xFFFFFFFF if rf64 else 4 + len(chunks)) + b"WAVE" + chunks


s16 = b"".join(struct.pack("<h", v) for v in tone(160, 12000))
put("audio/AudioFuzzTestInputs/wav/pcm16-mono", wav(1, 1, 16000, 16, s16))
put("audio/AudioFuzzTestInputs/wav/pcm8-8k", wav(1, 1, 8000, 8, bytes((v >> 8) + 128 for v in tone(80, 12000))))
put("audio/AudioFuzzTestInputs/wav/pcm24-stereo-44k", wav(1, 2, 44100, 24,
    b"".join(struct.pack("<i", v * 256)[:3] * 2 for v in tone(64, 12000))))
put("audio/AudioFuzzTestInputs/wav/float32-48k", wav(3, 1, 48000, 32, b"".join(struct.pack("<f", v / 32768) for v in tone(64, 12000))))
put("audio/AudioFuzzTestInputs/wav/extensible-pcm32", wav(1, 1, 22050, 32, b"".join(struct.pack("<i", v << 16) for v in tone(48, 12000)), extensible=True))
put("audio/AudioFuzzTestInputs/wav/rf64", wav(1, 1, 16000, 16, s16, rf64=True))
put("audio/AudioFuzzTestInputs/wav/streamed", wav(1, 1, 16000, 16, s16, streamed=True))


# ---- FLAC ----
def crc8(b):
    c = 0
    for x in b:
        c ^= x
        for _ in range(8):
            c = ((c << 1) ^ 0x07) & 0xFF if c & 0x80 else (c << 1) & 0xFF
    return c


def crc16(b):
    c = 0
    for x in b:
        c ^= x << 8
        for _ in range(8):
            c = ((c << 1) ^ 0x8005) & 0xFFFF if c & 0x8000 else (c << 1) & 0xFFFF
    return c


class Bits:
    def __init__(self):
        self.v, self.n, self.out = 0, 0, bytearray()

    def put(self, value, width):
        for i in range(width - 1, -1, -1):
            self.v = (self.v << 1) | ((value >> i) & 1)
            self.n += 1
            if self.n == 8:
                self.out.append(self.v)
                self.v, self.n = 0, 0

    def align(self):
        while self.n:
            self.put(0, 1)


def flac(channels, blocks, kinds, rate=16000, bps=16):
    """blocks: list of per-channel sample lists; kinds: 'constant', 'verbatim' or 'fixed1' per subframe."""
    total = sum(len(b[0]) for b in blocks)
    bs = max(len(b[0]) for b in blocks)
    info = struct.pack(">HH", 16, max(16, bs)) + b"\0\0\0\0\0\0"
    packed = (rate << 44) | ((channels - 1) << 41) | ((bps - 1) << 36) | total
    info += struct.pack(">Q", packed) + b"\0" * 16
    out = bytearray(b"fLaC" + bytes([0x80, 0, 0, 34]) + info)
    for number, block in enumerate(blocks):
        n = len(block[0])
        head = bytearray([0xFF, 0xF8, (7 << 4) | 0, ((channels - 1) << 4) | (4 << 1)])  # block size from 16-bit field
        head[3] = ((channels - 1) << 4) | (4 << 1)  # 16 bits per sample
        head.append(number)  # frame number < 128: one UTF-8 byte
        head += struct.pack(">H", n - 1)
        head.append(crc8(head))
        b = Bits()
        for ch in range(channels):
            kind = kinds[(number + ch) % len(kinds)]
            x = block[ch]
            if kind == "constant" or len(set(x)) == 1:
                b.put(0, 8)
                b.put(x[0] & 0xFFFF, bps)
            elif kind == "verbatim":
                b.put(2, 8)
                for v in x:
                    b.put(v & 0xFFFF, bps)
            else:  # FIXED order 1, Rice partition order 0, escaped residual of 16 bits
                b.put(0x12, 8)
                b.put(x[0] & 0xFFFF, bps)
                b.put(0, 2)
                b.put(0, 4)
                b.put(0xF, 4)
                b.put(17, 5)
                for i in range(1, n):
                    b.put((x[i] - x[i - 1]) & 0x1FFFF, 17)
        b.align()
        frame = bytes(head) + bytes(b.out)
        out += frame + struct.pack(">H", crc16(frame))
    return bytes(out)


t = tone(64, 3000)
put("audio/AudioFuzzTestInputs/flac/mono-verbatim-fixed", flac(1, [[t[:32]], [t[32:]]], ["verbatim", "fixed1"]))
put("audio/AudioFuzzTestInputs/flac/stereo-constant", flac(2, [[[5] * 32, t[:32]]], ["constant", "fixed1"]))
silence = flac(1, [[[0] * 64]] * 3, ["constant"])
# STREAMINFO total samples 0 (unknown), as streaming encoders write: bits 0..35 of bytes 18..25.
unknown = struct.unpack(">Q", silence[18:26])[0] & ~0xFFFFFFFFF
put("audio/AudioFuzzTestInputs/flac/constant-unknown-length", silence[:18] + struct.pack(">Q", unknown) + silence[26:])


# ---- .npy ----
def npy(shape, values, descr="<f4", version=1):
    d = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (descr, "".join("%d, " % s for s in shape).rstrip(" ") if len(shape) > 1 else ("%d," % shape[0] if shape else ""))
    pre = 10 if version == 1 else 12
    d += " " * ((64 - (pre + len(d) + 1) % 64) % 64) + "\n"
    head = b"\x93NUMPY" + bytes([version, 0]) + (struct.pack("<H", len(d)) if version == 1 else struct.pack("<I", len(d)))
    fmt = {"<f4": "f", "<f8": "d", "<i8": "q"}[descr]
    return head + d.encode("latin-1") + b"".join(struct.pack("<" + fmt, v) for v in values)


put("io/NpyFuzzTestInputs/npy/f4-2x3", npy([2, 3], [0, 1, 2, 3, 4, 5]))
put("io/NpyFuzzTestInputs/npy/f8-3", npy([3], [0.5, 1.5, 2.5], "<f8"))
put("io/NpyFuzzTestInputs/npy/i8-v2", npy([2], [1, 2], "<i8", version=2))
put("io/NpyFuzzTestInputs/npy/scalar", npy([], [7.0]))

# ---- safetensors ----
def safetensors(tensors, meta=None):
    header, data = {}, b""
    if meta:
        header["__metadata__"] = meta
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    return struct.pack("<Q", len(h)) + h + data


put("checkpoint/CheckpointFuzzTestInputs/safetensors/two-tensors", safetensors(
    [("a", "F32", [2], struct.pack("<2f", 1, 2)), ("b.weight", "F16", [1, 2], b"\x00\x3c\x00\xc0")], {"format": "pt"}))
put("checkpoint/CheckpointFuzzTestInputs/safetensors/bf16-i64", safetensors(
    [("x", "BF16", [2], b"\x80\x3f\x00\x40"), ("n", "I64", [], struct.pack("<q", 3))]))

# ---- pickle and torch zip: the converter fixtures written by torch ----
for name in ["mixed.bin", "malicious.bin"]:
    put("checkpoint/CheckpointFuzzTestInputs/torchZip/" + name, open("src/test/resources/checkpoint/" + name, "rb").read())
import zipfile
with zipfile.ZipFile("src/test/resources/checkpoint/mixed.bin") as z:
    pkl = [n for n in z.namelist() if n.endswith("/data.pkl")][0]
    put("checkpoint/CheckpointFuzzTestInputs/pickle/mixed-data.pkl", z.read(pkl))
with zipfile.ZipFile("src/test/resources/checkpoint/malicious.bin") as z:
    pkl = [n for n in z.namelist() if n.endswith("/data.pkl")][0]
    put("checkpoint/CheckpointFuzzTestInputs/pickle/malicious-data.pkl", z.read(pkl))

# ---- config.json ----
for src in ["w2v2-base", "wavlm-base", "w2v2-large", "hubert-base"]:
    put("checkpoint/CheckpointFuzzTestInputs/config/" + src, open("src/test/resources/encoder/%s/config.json" % src, "rb").read())
put("checkpoint/CheckpointFuzzTestInputs/config/minimal", '{"model_type": "wavlm", "num_hidden_layers": 2}')

# ---- classifier files ----
for name in ["model-v1-lr.json", "model-v1-mlp.json", "logreg.json", "mlp.json"]:
    put("classify/ClassifierFileFuzzTestInputs/classifier/" + name, open("src/test/resources/classify/" + name, "rb").read())

# ---- store: store.json NUL index.json NUL journal.jsonl ----
header = {"format": "greenspoof-embeddings", "version": 2, "frontend": "lfcc", "model": "lfcc", "modelSha256": None,
          "layers": [0], "pooling": "meanstd", "dim": 2, "partition": "train", "dataset": "/data/LA",
          "datasetFormat": "ASVSPOOF2019_LA", "greenspoof": "0.1.0", "created": "2026-01-01T00:00:00Z"}
entry = {"id": "LA_T_1", "label": "bonafide", "attack": "-", "speaker": "LA_0079", "seconds": 1.5}
index = {"shards": [{"file": "shard-00000.npy", "crc32": 0, "utterances": [entry]}],
         "failures": [{"id": "LA_T_2", "path": "/data/x.flac", "error": "bad"}]}
commit = {"shard": {"file": "shard-00001.npy", "crc32": 0, "utterances": [dict(entry, id="LA_T_3", label="spoof", attack="A01")]},
          "failures": []}
put("store/StoreFuzzTestInputs/store/indexed", json.dumps(header) + "\0" + json.dumps(index) + "\0")
put("store/StoreFuzzTestInputs/store/journaled", json.dumps(header) + "\0" + json.dumps({"shards": [], "failures": []}) + "\0"
    + json.dumps(commit) + "\n" + json.dumps({"shard": None, "failures": [{"id": "x", "path": "p", "error": "e"}]}) + "\n")
put("store/StoreFuzzTestInputs/store/torn-journal", json.dumps(header) + "\0" + json.dumps(index) + "\0" + json.dumps(commit)[:40])

# ---- datasets: one selector byte (0 LA 2019 protocol, 1 CSV list, 2 In-the-Wild meta.csv, 3 2021 keys), then the file ----
put("dataset/DatasetFuzzTestInputs/dataset/la2019", b"\0" + b"LA_0079 LA_T_1 - - bonafide\nLA_0079 LA_T_2 - A01 spoof\n")
put("dataset/DatasetFuzzTestInputs/dataset/csv", b"\1" + b"path,label,attack\na.flac,bonafide,\n\"b.flac\",spoof,tts\n")
put("dataset/DatasetFuzzTestInputs/dataset/itw", b"\2" + b"file,speaker,label\na.flac,\"Obama, Barack\",bona-fide\nb.flac,X,spoof\n")
put("dataset/DatasetFuzzTestInputs/dataset/df2021", b"\3" + b"LA_0009 DF_E_1 mp3m4a asvspoof A09 spoof notrim eval\n"
    b"LA_0009 DF_E_2 nocodec vcc2020 bonafide bonafide notrim eval\n")

# ---- score files: one selector byte (0 CM scores, 1 CM protocol, 2 ASV scores), then the file ----
put("metrics/ScoreFilesFuzzTestInputs/scores/cm4", b"\0" + b"LA_E_1 - bonafide 1.5\nLA_E_2 A07 spoof -0.25\nLA_E_3 A08 spoof 3e-2\n")
put("metrics/ScoreFilesFuzzTestInputs/scores/protocol", b"\1" + b"LA_0039 LA_E_1 - - bonafide\nLA_0039 LA_E_2 - A07 spoof\n")
put("metrics/ScoreFilesFuzzTestInputs/scores/asv", b"\2" + b"LA_0039 target 1.0\nLA_0039 nontarget -1\nx y LA_0039 spoof 0.5\n")
print("seeds written under", ROOT)
