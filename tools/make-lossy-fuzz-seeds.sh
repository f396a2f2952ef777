#!/bin/bash
# Writes the MP3 and Ogg Vorbis seeds of AudioFuzzTest#mp3 and #ogg: tiny files Debian's lame and oggenc make,
# one per structure the readers handle (MPEG-1 and MPEG-2.5 frames, LAME info frame, CRC-protected frames, ID3v2
# and ID3v1 tags; mono and stereo Vorbis).
# Run from the repository root: tools/make-lossy-fuzz-seeds.sh (needs sox, lame and vorbis-tools).
set -euo pipefail
out=src/test/resources/org/greenspoof/audio/AudioFuzzTestInputs/mp3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
sox -R -n -r 8000 -c 1 -b 16 "$tmp/8k.wav" synth 0.25 sine 300-1500 vol 0.5
sox -R -n -r 32000 -c 2 -b 16 "$tmp/32k.wav" synth 0.1 sine 440 sine 660 vol 0.5
lame --quiet -b 8 "$tmp/8k.wav" "$out/mpeg25-mono-info"
lame --quiet -t -b 32 "$tmp/32k.wav" "$out/mpeg1-stereo-notag"
lame --quiet -p -b 16 "$tmp/8k.wav" "$out/crc-protected"
lame --quiet -V 9 --add-id3v2 --tt t "$tmp/8k.wav" "$out/vbr-id3-tags"

# Ogg Vorbis seeds of AudioFuzzTest#ogg (oggenc, from vorbis-tools).
ogg=src/test/resources/org/greenspoof/audio/AudioFuzzTestInputs/ogg
mkdir -p "$ogg"
sox -R -n -r 8000 -c 1 -b 16 "$tmp/short.wav" synth 0.05 sine 440 vol 0.5
oggenc -Q -q 0 -o "$ogg/mono-8k" "$tmp/short.wav"
oggenc -Q -q 0 -o "$ogg/stereo-32k" "$tmp/32k.wav"
