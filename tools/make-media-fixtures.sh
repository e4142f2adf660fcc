#!/usr/bin/env bash
# Creates the small WebM and TGS test fixtures under src/test/resources/fixtures/media/.
#   tools/make-media-fixtures.sh               the committed test fixtures
#   tools/make-media-fixtures.sh --bench DIR   larger, Telegram-sized inputs for 'gse bench decode' (not committed):
#                                              512x512 VP9-alpha WebM, 3 s at 30 fps, and 512x512 TGS, 3 s at 60 fps
#
# Needs Debian's ffmpeg (with libvpx) for the WebM files and gzip for the TGS files. The outputs are committed;
# run this again only to change them. The tests compare the WebM files against ffprobe at test time, so the
# exact bytes libvpx produces do not matter.
#
# WebM clip (all WebM files): 30 fps, moving shapes drawn with lavfi's geq filter on a transparent canvas:
#   - an opaque blue bar, x < 16, full height                         (RGB 0,0,255, alpha 255)
#   - a half-transparent green square, x >= W-32, y < 32               (RGB 0,255,0, alpha 128)
#   - an opaque red 24x24 square at y 40..63 whose left edge moves right, x = 24 + 40 t (t in seconds)
#   - everything else fully transparent (alpha 0), e.g. the bottom-right corner
# TGS files: a Lottie shape layer with a 128x128 rectangle on a 512x512 canvas. The rectangle moves from (128,256)
# to (384,256) and turns from red to blue. Nothing else is drawn, so the corners are transparent.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/src/test/resources/fixtures/media"
bench=0
if [ "${1:-}" = "--bench" ]; then
  [ -n "${2:-}" ] || { echo "usage: $0 [--bench DIR]" >&2; exit 2; }
  bench=1
  out="$2"
fi
mkdir -p "$out"

command -v ffmpeg >/dev/null || { echo "make-media-fixtures: ffmpeg is missing; apt-get install ffmpeg" >&2; exit 1; }

# geq expressions for the clip; commas are escaped for the filtergraph parser.
clip() { # clip WIDTH HEIGHT SECONDS
  local w=$1 h=$2 d=$3
  local bar="lt(X\\,16)"
  local red="between(X\\,24+40*T\\,47+40*T)*between(Y\\,40\\,63)"
  local green="gte(X\\,$((w - 32)))*lt(Y\\,32)"
  local r="if($bar\\,0\\,if($red\\,255\\,0))"
  local g="if($bar\\,0\\,if($red\\,0\\,if($green\\,255\\,0)))"
  local b="if($bar\\,255\\,0)"
  local a="if($bar\\,255\\,if($red\\,255\\,if($green\\,128\\,0)))"
  echo "color=c=black@0:s=${w}x${h}:r=30:d=${d},format=rgba,geq=r=$r:g=$g:b=$b:a=$a"
}

encode() { # encode OUTPUT FILTERGRAPH ENCODER-ARGS...
  local file=$1 graph=$2
  shift 2
  ffmpeg -hide_banner -loglevel error -nostdin -y -f lavfi -i "$graph" "$@" -an -fflags +bitexact \
    -flags:v +bitexact "$out/$file"
  echo "wrote $file ($(stat -c %s "$out/$file") bytes)"
}

if [ "$bench" = 0 ]; then
# VP9 with alpha: libvpx-vp9 writes the alpha plane as Matroska BlockAdditional data.
encode vp9-alpha.webm "$(clip 128 96 1.5)" -c:v libvpx-vp9 -pix_fmt yuva420p -crf 20 -b:v 0
# VP8 with alpha (auto-alt-ref must be off for VP8 alpha).
encode vp8-alpha.webm "$(clip 128 96 1.5)" -c:v libvpx -pix_fmt yuva420p -crf 10 -b:v 1M -auto-alt-ref 0
# VP9 and VP8 without alpha: the same clip flattened onto the encoder's yuv420p (transparent areas become black).
encode vp9-opaque.webm "$(clip 128 96 1.5)" -c:v libvpx-vp9 -pix_fmt yuv420p -crf 20 -b:v 0
encode vp8-opaque.webm "$(clip 128 96 1.5)" -c:v libvpx -pix_fmt yuv420p -crf 10 -b:v 1M
# Odd size with alpha, 1 second.
encode vp9-alpha-99x67.webm "$(clip 99 67 1)" -c:v libvpx-vp9 -pix_fmt yuva420p -crf 20 -b:v 0

# A copy whose Matroska Duration declares 1 ms, as a real Telegram sticker does. The Duration element is
# ID 0x4489 with an 8-byte float. Its value counts TimestampScale units (1 ms), so 1.0 means 1 ms.
python3 - "$out/vp9-alpha.webm" "$out/vp9-alpha-wrong-duration.webm" <<'PY'
import struct, sys
data = bytearray(open(sys.argv[1], "rb").read())
at = data.find(b"\x44\x89\x88")
if at < 0:
    sys.exit("make-media-fixtures: no 8-byte Duration element found in " + sys.argv[1])
data[at + 3:at + 11] = struct.pack(">d", 1.0)
open(sys.argv[2], "wb").write(data)
PY
echo "wrote vp9-alpha-wrong-duration.webm (Duration patched to 1 ms)"
fi

# TGS: Lottie JSON written by this function, gzipped without a name or time stamp so the bytes are stable.
lottie() { # lottie FRAME_RATE IP OP
  local fr=$1 ip=$2 op=$3
  cat <<JSON
{"tgs":1,"v":"5.5.2","fr":$fr,"ip":$ip,"op":$op,"w":512,"h":512,"nm":"gse fixture","ddd":0,"assets":[],
"layers":[{"ddd":0,"ind":1,"ty":4,"nm":"box","sr":1,"ao":0,"ip":$ip,"op":$op,"st":0,"bm":0,
"ks":{"o":{"a":0,"k":100},"r":{"a":0,"k":0},"a":{"a":0,"k":[0,0,0]},"s":{"a":0,"k":[100,100,100]},
"p":{"a":1,"k":[{"t":$ip,"s":[128,256,0],"e":[384,256,0],"i":{"x":1,"y":1},"o":{"x":0,"y":0}},{"t":$op,"s":[384,256,0]}]}},
"shapes":[{"ty":"gr","nm":"group","it":[
{"ty":"rc","nm":"rect","d":1,"s":{"a":0,"k":[128,128]},"p":{"a":0,"k":[0,0]},"r":{"a":0,"k":0}},
{"ty":"fl","nm":"fill","o":{"a":0,"k":100},"r":1,
"c":{"a":1,"k":[{"t":$ip,"s":[1,0,0,1],"e":[0,0,1,1],"i":{"x":[1],"y":[1]},"o":{"x":[0],"y":[0]}},{"t":$op,"s":[0,0,1,1]}]}},
{"ty":"tr","nm":"transform","p":{"a":0,"k":[0,0]},"a":{"a":0,"k":[0,0]},"s":{"a":0,"k":[100,100]},"r":{"a":0,"k":0},"o":{"a":0,"k":100}}
]}]}]}
JSON
}

tgs() { # tgs OUTPUT FRAME_RATE IP OP
  lottie "$2" "$3" "$4" | gzip -9 -n > "$out/$1"
  echo "wrote $1 ($(stat -c %s "$out/$1") bytes)"
}

if [ "$bench" = 0 ]; then
  tgs rect-30fps.tgs 30 0 45        # 45 frames, 1.5 s
  tgs rect-30fps-ip15.tgs 30 15 60  # first frame ip=15: 45 frames, 1.5 s
  tgs rect-60fps.tgs 60 0 90        # 90 frames, 1.5 s
  exit 0
fi

# Benchmark inputs: Telegram's video sticker shape (512x512, VP9 with alpha, 3 s at 30 fps) and animated sticker
# shape (512x512 Lottie at 60 fps, 3 s). The WebM content is lavfi's busy testsrc2 pattern cut out by a pulsing
# circle, which gives a bitrate like a real sticker's. The TGS files have many moving, rotating, colour-changing shapes.
for n in 1 2 3; do
  alpha="if(lt(hypot(X-256\\,Y-256)\\,180+50*sin(T*$n*2))\\,255\\,if(lt(hypot(X-256\\,Y-256)\\,240)\\,96\\,0))"
  encode "bench-vp9-alpha-512-$n.webm" \
    "testsrc2=s=512x512:r=30:d=3,format=rgba,geq=r='r(X\\,Y)':g='g(X\\,Y)':b='b(X\\,Y)':a='$alpha'" \
    -c:v libvpx-vp9 -pix_fmt yuva420p -crf 40 -b:v 0
done

busy_lottie() { # busy_lottie SHAPES: SHAPES layers, each a rotating rectangle and an ellipse on a path
  local count=$1 i layers=""
  for ((i = 0; i < count; i++)); do
    local x0=$(( (i * 37) % 400 + 56 )) y0=$(( (i * 71) % 400 + 56 ))
    local x1=$(( 512 - x0 )) y1=$(( 512 - y0 ))
    local size=$(( 24 + (i * 13) % 60 ))
    local r=$(( i % 3 == 0 )) g=$(( i % 3 == 1 )) b=$(( i % 3 == 2 ))
    [ -n "$layers" ] && layers="$layers,"
    layers="$layers{\"ddd\":0,\"ind\":$((i + 1)),\"ty\":4,\"nm\":\"s$i\",\"sr\":1,\"ao\":0,\"ip\":0,\"op\":180,\"st\":0,\"bm\":0,
\"ks\":{\"o\":{\"a\":0,\"k\":85},\"a\":{\"a\":0,\"k\":[0,0,0]},\"s\":{\"a\":0,\"k\":[100,100,100]},
\"r\":{\"a\":1,\"k\":[{\"t\":0,\"s\":[0],\"e\":[$((360 + i * 20))],\"i\":{\"x\":[1],\"y\":[1]},\"o\":{\"x\":[0],\"y\":[0]}},{\"t\":180,\"s\":[$((360 + i * 20))]}]},
\"p\":{\"a\":1,\"k\":[{\"t\":0,\"s\":[$x0,$y0,0],\"e\":[$x1,$y1,0],\"i\":{\"x\":0.6,\"y\":1},\"o\":{\"x\":0.4,\"y\":0}},{\"t\":180,\"s\":[$x1,$y1,0]}]}},
\"shapes\":[{\"ty\":\"gr\",\"it\":[
{\"ty\":\"rc\",\"d\":1,\"s\":{\"a\":0,\"k\":[$size,$((size / 2 + 8))]},\"p\":{\"a\":0,\"k\":[0,0]},\"r\":{\"a\":0,\"k\":6}},
{\"ty\":\"el\",\"d\":1,\"s\":{\"a\":0,\"k\":[$((size / 2)),$((size / 2))]},\"p\":{\"a\":0,\"k\":[$((size / 2)),0]}},
{\"ty\":\"st\",\"c\":{\"a\":0,\"k\":[0.1,0.1,0.1,1]},\"o\":{\"a\":0,\"k\":100},\"w\":{\"a\":0,\"k\":3},\"lc\":2,\"lj\":2},
{\"ty\":\"fl\",\"o\":{\"a\":0,\"k\":100},\"r\":1,\"c\":{\"a\":1,\"k\":[{\"t\":0,\"s\":[$r,$g,$b,1],\"e\":[$b,$r,$g,1],\"i\":{\"x\":[1],\"y\":[1]},\"o\":{\"x\":[0],\"y\":[0]}},{\"t\":180,\"s\":[$b,$r,$g,1]}]}},
{\"ty\":\"tr\",\"p\":{\"a\":0,\"k\":[0,0]},\"a\":{\"a\":0,\"k\":[0,0]},\"s\":{\"a\":0,\"k\":[100,100]},\"r\":{\"a\":0,\"k\":0},\"o\":{\"a\":0,\"k\":100}}]}]}"
  done
  echo "{\"tgs\":1,\"v\":\"5.5.2\",\"fr\":60,\"ip\":0,\"op\":180,\"w\":512,\"h\":512,\"nm\":\"gse bench\",\"ddd\":0,\"assets\":[],\"layers\":[$layers]}"
}
for n in 1 2 3; do
  busy_lottie $((n * 20)) | gzip -9 -n > "$out/bench-busy-512-60fps-$n.tgs"
  echo "wrote bench-busy-512-60fps-$n.tgs ($(stat -c %s "$out/bench-busy-512-60fps-$n.tgs") bytes, $((n * 20)) shape layers)"
done
