#!/usr/bin/env bash
# Makes the WebP test fixtures in src/test/resources/fixtures/webp/ from solid-colour rectangles, with Debian's
# `webp` tools (cwebp, webpmux) and Python's standard library (PAM images and byte patches).
#
# The tests assert composited pixel values that follow from these images, so change both together.
# Usage: tools/make-webp-fixtures.sh   (needs: apt-get install webp python3)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/src/test/resources/fixtures/webp"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for tool in cwebp webpmux python3; do
  command -v "$tool" >/dev/null || { echo "error: $tool not found; install Debian's webp and python3" >&2; exit 1; }
done
mkdir -p "$out"

# 1. Source images as PAM (RGB_ALPHA). Each spec is WIDTHxHEIGHT then rectangles X,Y,W,H,R,G,B,A drawn in
#    order on a transparent background.
pam() {
  python3 - "$@" <<'PY'
import sys
path, size, *rects = sys.argv[1:]
width, height = map(int, size.split("x"))
pixels = bytearray(4 * width * height)
for rect in rects:
    x, y, w, h, r, g, b, a = map(int, rect.split(","))
    for row in range(y, y + h):
        for col in range(x, x + w):
            pixels[4 * (row * width + col):4 * (row * width + col) + 4] = bytes((r, g, b, a))
header = f"P7\nWIDTH {width}\nHEIGHT {height}\nDEPTH 4\nMAXVAL 255\nTUPLTYPE RGB_ALPHA\nENDHDR\n"
open(path, "wb").write(header.encode("ascii") + bytes(pixels))
PY
}

# Still images: lossy (VP8), lossless (VP8L), lossy with alpha (VP8X + ALPH + VP8).
pam "$work/halves.pam" 16x16 0,0,8,16,200,40,40,255 8,0,8,16,40,40,200,255
cwebp -quiet -q 90 "$work/halves.pam" -o "$out/still-lossy.webp"

pam "$work/grid.pam" 4x3 0,0,4,3,10,20,30,255 1,0,1,1,255,0,0,255 2,1,1,1,0,255,0,128 3,2,1,1,1,2,3,0
cwebp -quiet -lossless -exact "$work/grid.pam" -o "$out/still-lossless.webp"

pam "$work/alpha.pam" 16x16 0,0,8,16,40,160,40,255 8,0,8,16,40,160,40,0
cwebp -quiet -q 90 -alpha_q 100 -alpha_filter none -exact "$work/alpha.pam" -o "$out/still-lossy-alpha.webp"

# 2. An animation on a 16x16 canvas, every frame lossless:
#    frame 1: 16x16 opaque red at (0,0), 100 ms, no blend, no disposal;
#    frame 2: 8x8 blue at alpha 128 at (4,4), 200 ms, blend, dispose to background;
#    frame 3: 4x4 green at alpha 64 at (2,2), 300 ms, no blend, no disposal;
#    frame 4: 4x4 yellow at alpha 128 at (10,10), 400 ms, blend, no disposal.
pam "$work/f1.pam" 16x16 0,0,16,16,255,0,0,255
pam "$work/f2.pam" 8x8 0,0,8,8,0,0,255,128
pam "$work/f3.pam" 4x4 0,0,4,4,0,255,0,64
pam "$work/f4.pam" 4x4 0,0,4,4,255,255,0,128
for n in 1 2 3 4; do
  cwebp -quiet -lossless -exact "$work/f$n.pam" -o "$work/f$n.webp"
done
webpmux -frame "$work/f1.webp" +100+0+0+0-b \
        -frame "$work/f2.webp" +200+4+4+1+b \
        -frame "$work/f3.webp" +300+2+2+0-b \
        -frame "$work/f4.webp" +400+10+10+0+b \
        -loop 0 -bgcolor 255,255,255,255 -o "$out/animated.webp" >/dev/null

# An animation on a 12x12 canvas where libwebp's key-frame rule shows: frame 1 (8x8 red at (0,0)) is disposed
# to background, so frame 2 (4x4 magenta at alpha 100 at (8,8), blend) starts a key frame and is not blended.
# Blending it over transparent black would round 255 down to 254.
pam "$work/k1.pam" 8x8 0,0,8,8,255,0,0,255
pam "$work/k2.pam" 4x4 0,0,4,4,255,0,255,100
for n in 1 2; do
  cwebp -quiet -lossless -exact "$work/k$n.pam" -o "$work/k$n.webp"
done
webpmux -frame "$work/k1.webp" +100+0+0+1-b \
        -frame "$work/k2.webp" +100+8+8+0+b \
        -loop 0 -o "$out/animated-keyframe.webp" >/dev/null

# 3. Damaged copies, patched byte by byte.
python3 - "$out" <<'PY'
import struct, sys
out = sys.argv[1]
animated = open(f"{out}/animated.webp", "rb").read()
lossless = open(f"{out}/still-lossless.webp", "rb").read()

# Bytes after the RIFF data, which readers must ignore.
open(f"{out}/trailing-garbage.webp", "wb").write(lossless + b"TRAILING GARBAGE")

# The animation cut in the middle of its last ANMF chunk: the RIFF size now points past the end of the file.
last_anmf = animated.rindex(b"ANMF")
open(f"{out}/truncated.webp", "wb").write(animated[:last_anmf + 20])

# The still lossless image cut inside its VP8L chunk.
open(f"{out}/truncated-still.webp", "wb").write(lossless[:len(lossless) - 6])

# A canvas of 16384x16384 (268 Mpixel, 1 GiB as RGBA) declared by the VP8X chunk of a 300-byte file.
bomb = bytearray(animated)
assert bomb[12:16] == b"VP8X"
bomb[24:27] = (16384 - 1).to_bytes(3, "little")
bomb[27:30] = (16384 - 1).to_bytes(3, "little")
open(f"{out}/huge-canvas.webp", "wb").write(bytes(bomb))

# Frame 3 moved to x = 14, so its 4x4 rectangle reaches past the right edge of the 16x16 canvas.
outside = bytearray(animated)
third = [i for i in range(len(outside)) if outside[i:i + 4] == b"ANMF"][2]
outside[third + 8:third + 11] = (14 // 2).to_bytes(3, "little")
open(f"{out}/frame-outside.webp", "wb").write(bytes(outside))
PY

ls -l "$out"
