#!/usr/bin/env bash
# Regenerates the raster decoder fixtures in src/test/resources/fixtures/raster/.
# Needs /usr/bin/python3 (PNG, APNG and GIF files are written byte by byte), ImageMagick's convert (JPEG files and
# their reference renderings) and a JDK 25 (tools/MakeAdobeJpeg.java).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/src/test/resources/fixtures/raster"
mkdir -p "$out"

/usr/bin/python3 "$root/tools/make_raster_fixtures.py" "$out"
# JPEG EXIF orientation cases with the upright renderings of Pillow (python3-pil).
/usr/bin/python3 "$root/tools/make_exif_fixtures.py" "$out/exif"

# JPEG: a 32x24 gradient as CMYK (Adobe APP14, inverted samples as Photoshop writes them) and as greyscale,
# each with the RGB rendering ImageMagick gives, for comparison within a tolerance.
convert -size 32x24 gradient:'#ff2010-#10a0ff' -colorspace CMYK -quality 95 "$out/cmyk.jpg"
convert "$out/cmyk.jpg" -colorspace sRGB -define png:exclude-chunk=date,time "$out/cmyk.expected.png"
# YCCK and inverted CMYK with an Adobe APP14 marker, written by the JDK's JPEG writer (ImageMagick cannot write YCCK).
. "$root/tools/lib/jdk.sh"
gse_find_jdk
for transform in 0 2; do
  name=$([ "$transform" = 2 ] && echo ycck || echo adobe-cmyk)
  "$JAVA_HOME/bin/java" "$root/tools/MakeAdobeJpeg.java" "$transform" "$out/$name.jpg"
  convert "$out/$name.jpg" -colorspace sRGB -define png:exclude-chunk=date,time "$out/$name.expected.png"
done
convert -size 32x24 gradient:'#202020-#e0e0e0' -colorspace Gray -quality 95 "$out/grey.jpg"
convert "$out/grey.jpg" -define png:color-type=2 -define png:exclude-chunk=date,time "$out/grey.expected.png"



# The CMYK JPEG of the shared format cases, rendered by ImageMagick at a 10x10 grid of points ("x y r g b" lines),
# so the test compares against an independent decoder without storing the picture.
shared_cmyk="$root/../shared/data/format-cases/jpeg/pil_sample_cmyk.jpg"
if [ -f "$shared_cmyk" ]; then
  convert "$shared_cmyk" -colorspace sRGB -depth 8 txt:- \
    | awk -F'[,: ()]+' 'NR > 1 && $1 % 10 == 5 && $2 % 10 == 5 { print $1, $2, $3, $4, $5 }' \
    > "$out/pil_sample_cmyk.expected.txt"
fi
ls -l "$out"
