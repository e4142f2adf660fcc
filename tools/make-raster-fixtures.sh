#!/usr/bin/env bash
# Regenerates the raster decoder fixtures in src/test/resources/fixtures/raster/.
# Needs /usr/bin/python3 (PNG, APNG and GIF files are written byte by byte) and ImageMagick's convert (JPEG files).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/src/test/resources/fixtures/raster"
mkdir -p "$out"

/usr/bin/python3 "$root/tools/make_raster_fixtures.py" "$out"

# JPEG: a 32x24 gradient as CMYK (Adobe APP14, inverted samples as Photoshop writes them) and as greyscale,
# each with the RGB rendering ImageMagick gives, for comparison within a tolerance.
convert -size 32x24 gradient:'#ff2010-#10a0ff' -colorspace CMYK -quality 95 "$out/cmyk.jpg"
convert "$out/cmyk.jpg" -colorspace sRGB "$out/cmyk.expected.png"
convert -size 32x24 gradient:'#202020-#e0e0e0' -colorspace Gray -quality 95 "$out/grey.jpg"
convert "$out/grey.jpg" -define png:color-type=2 "$out/grey.expected.png"

ls -l "$out"
