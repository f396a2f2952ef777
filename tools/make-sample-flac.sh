#!/usr/bin/env bash
# Regenerates src/test/resources/audio/sample.flac: 1.5 s of synthetic speech-like audio, 16 kHz
# mono 16-bit like ASVspoof LA. A sawtooth voice on a gliding pitch, shaped by three vowel formants
# and a 4 Hz syllable rhythm, plus faint high-passed noise for fricatives. Needs sox and flac.
# Usage: tools/make-sample-flac.sh [OUT.flac] [SECONDS] [FLAC OPTIONS...]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/src/test/resources/audio/sample.flac}
seconds=${2:-1.5}
shift $(( $# > 2 ? 2 : $# ))
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# -R: repeatable noise; -D: no dither, so the same sox gives the same bytes.
sox -R -D -n -r 16000 -b 16 -c 1 "$tmp/voice.wav" synth "$seconds" sawtooth 110:170 \
    equalizer 500 1.5q 12 equalizer 1500 2q 9 equalizer 2500 2q 6 lowpass 4000 tremolo 4 90 gain -n -6
sox -R -D -n -r 16000 -b 16 -c 1 "$tmp/breath.wav" synth "$seconds" whitenoise gain -20 highpass 3000 gain -n -32
sox -R -D -m "$tmp/voice.wav" "$tmp/breath.wav" -b 16 "$tmp/speech.wav" gain -n -3
flac -s -f --no-padding "${@:--8}" -o "$out" "$tmp/speech.wav"
