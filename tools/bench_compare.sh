#!/usr/bin/env bash
# Side-by-side speed of greenspoof, ONNX Runtime (Java API) and PyTorch on the same full-size
# random-weight wav2vec2-base checkpoint and the same input; prints each RTF and the ratios, then
# greenspoof's peak RSS on a 60 s input against the weights' size.
#
#   tools/bench_compare.sh [WORKDIR]          (default /tmp/greenspoof-bench; reused between runs)
#
# Environment: BENCH_SECONDS (1,4,10), BENCH_THREADS (1,2), BENCH_LAYERS (12,2: full depth and
# hidden_states[2]), BENCH_RUNS (5), BENCH_WARMUP (2), BENCH_ROUNDS (3: every engine runs once per
# round, engines in turn, and each cell is the median over the rounds, so that a slow spell of a shared
# machine lands on every engine rather than on one column), JAVA_HOME (the JDK for ORT and the first
# greenspoof column), BENCH_JDKS (space-separated JDK homes greenspoof runs on besides, side by side),
# BENCH_ISA (avx512, avx2 or sse; default the widest /proc/cpuinfo lists). BENCH_ISA=avx2 on an
# AVX-512 host runs greenspoof and the FMA peak with -XX:UseAVX=2 and PyTorch's OpenBLAS with its
# AVX2 kernels; ONNX Runtime picks its kernels from the CPU itself and cannot be held to AVX2.
# PyTorch runs Debian's torch 1.13 with OMP_WAIT_POLICY=PASSIVE, OpenBLAS/OpenMP/torch threads set,
# and OPENBLAS_CORETYPE for the ISA (SkylakeX, Zen or Haswell): forcing SkylakeX on a CPU without
# AVX-512 runs instructions it does not have.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-/tmp/greenspoof-bench}
secs=${BENCH_SECONDS:-1,4,10}
threads=${BENCH_THREADS:-1,2}
layers=${BENCH_LAYERS:-12,2}
runs=${BENCH_RUNS:-5}
warmup=${BENCH_WARMUP:-2}
rounds=${BENCH_ROUNDS:-3}
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "BENCH_ROUNDS must be a positive integer, not '$rounds'" >&2; exit 1; }
py=/usr/bin/python3
if [ -n "${JAVA_HOME:-}" ]; then java="$JAVA_HOME/bin/java"; else java=java; fi
flags=$(grep -m1 '^flags' /proc/cpuinfo)
vendor=$(grep -m1 '^vendor_id' /proc/cpuinfo | cut -d: -f2 | xargs)
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)
if [[ " $flags " == *" avx512f "* ]]; then widest=avx512; elif [[ " $flags " == *" avx2 "* ]]; then widest=avx2; else widest=sse; fi
isa=${BENCH_ISA:-$widest}
case "$isa" in
  avx512) [ "$widest" = avx512 ] || { echo "BENCH_ISA=avx512 but this CPU's widest is $widest" >&2; exit 1; }
          coretype=SkylakeX; jvm_isa= ;;
  avx2)   [ "$widest" != sse ] || { echo "BENCH_ISA=avx2 but this CPU has no AVX2" >&2; exit 1; }
          if [ "$vendor" = AuthenticAMD ]; then coretype=Zen; else coretype=Haswell; fi; jvm_isa=-XX:UseAVX=2 ;;
  sse)    coretype=Nehalem; jvm_isa=-XX:UseAVX=0 ;;
  *)      echo "BENCH_ISA must be avx512, avx2 or sse, not '$isa'" >&2; exit 1 ;;
esac
export GREENSPOOF_JAVA_OPTS="${GREENSPOOF_JAVA_OPTS:-} $jvm_isa"
model="$work/w2v2-base-full"
mkdir -p "$work/results"
rm -f "$work"/results/*.json

if [ ! -f "$model/model.safetensors" ]; then
  echo "== building the full-size random-weight checkpoint in $model" >&2
  "$py" "$root/tools/make_encoder_fixtures.py" --full-size "$work"
fi
for k in ${layers//,/ }; do
  if [ ! -f "$work/onnx/layer$k.onnx" ] && { [ "$k" != 12 ] || [ ! -f "$work/onnx/full.onnx" ]; }; then
    echo "== exporting to ONNX" >&2
    "$py" "$root/tools/bench_compare.py" export --model "$model" --out-dir "$work/onnx" --max-layer ${layers//,/ }
    break
  fi
done
echo "== building greenspoof and the benchmark module" >&2
(cd "$root" && mvn -B -q -DskipTests package && mvn -B -q -f bench/pom.xml package) >&2

echo "== FMA peak of one core ($isa)" >&2
# Best 1 s iteration of 12 independent FMA chains on the species the JVM prefers at this ISA, best of
# every JDK measured (C2 of JDK 17 reached ~80 % of what JDK 25's did on the same Zen 3 core).
peak=0
for jdk in "${JAVA_HOME:-}" ${BENCH_JDKS:-}; do
  if [ -n "$jdk" ]; then pj="$jdk/bin/java"; else pj=java; fi
  peak=$("$pj" --add-modules jdk.incubator.vector -jar "$root/bench/target/benchmarks.jar" FmaPeakBench -f 1 -wi 3 -w 1 \
    -i 5 -r 1 -jvmArgsAppend "$jvm_isa" 2>/dev/null \
    | awk -v best="$peak" '/flops:/ && !/Secondary|FmaPeakBench/ {v=$2; gsub(",", "", v); if (v / 1000 > best) best = v / 1000}
           END {printf "%.1f", best}')
done

for round in $(seq 1 "$rounds"); do
  n=0
  for jdk in "${JAVA_HOME:-}" ${BENCH_JDKS:-}; do
    echo "== round $round/$rounds: greenspoof on ${jdk:-the default JDK}" >&2
    JAVA_HOME=$jdk "$root/tools/greenspoof" bench --encoder "$model" --seconds "$secs" --threads "$threads" \
      --depth "$layers" --runs "$runs" --warmup "$warmup" --json > "$work/results/greenspoof-$n-r$round.json"
    n=$((n + 1))
  done

  echo "== round $round/$rounds: ONNX Runtime" >&2
  for t in ${threads//,/ }; do
    for k in ${layers//,/ }; do
      onnx="$work/onnx/layer$k.onnx"; [ -f "$onnx" ] || onnx="$work/onnx/full.onnx"
      "$java" -cp "$root/bench/target/benchmarks.jar" org.greenspoof.bench.OrtRunner "$onnx" "$k" "$t" "$secs" \
        "$runs" "$warmup" > "$work/results/ort-$t-$k-r$round.json"
    done
  done

  echo "== round $round/$rounds: PyTorch" >&2
  for t in ${threads//,/ }; do
    OPENBLAS_CORETYPE=$coretype OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=$t OMP_NUM_THREADS=$t \
      "$py" "$root/tools/bench_compare.py" torch --model "$model" --threads "$t" --seconds ${secs//,/ } \
      --max-layer ${layers//,/ } --runs "$runs" --warmup "$warmup" > "$work/results/torch-$t-r$round.json"
  done
done

echo
echo "$(date -u +%FT%TZ) $(nproc) cores, $cpu, $("$java" -version 2>&1 | head -1)"
echo "ISA $isa (widest on this CPU: $widest; greenspoof JVM options:${GREENSPOOF_JAVA_OPTS}; OpenBLAS core $coretype;" \
  "ONNX Runtime: its own dispatch), FMA peak $peak GFLOP/s per core"
"$py" "$root/tools/bench_compare.py" report --peak "$peak" "$work"/results/*.json

echo
echo "== memory: greenspoof on a 60 s input" >&2
weights_mb=$(( $(stat -c %s "$model/model.safetensors") / 1048576 ))
JAVA_HOME=${JAVA_HOME:-} "$root/tools/greenspoof" bench --encoder "$model" --seconds 60 --threads "${threads##*,}" \
  --runs 1 --warmup 0 --json > "$work/results/memory.json.txt"
"$py" - "$work/results/memory.json.txt" "$weights_mb" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))[-1]
w = int(sys.argv[2])
print(f"60 s input: peak RSS {r['peak_rss_mb']} MB (launcher defaults: ParallelGC, -Xmn16m, plus GREENSPOOF_JAVA_OPTS); "
      f"target weights {w} MB + 300 MB = {w + 300} MB; RTF {r['rtf']:.4f}")
PY
