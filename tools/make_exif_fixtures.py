#!/usr/bin/python3
"""Write the JPEG EXIF orientation fixtures of JpegDecoderTest into the folder given as argument.

Needs Debian's python3-pil (tested with Pillow 9.4). Every JPEG is 6x4 pixels with one colour per 3x2 quadrant, so
each of the 8 orientations puts the four corner colours in a different arrangement. The reference for a JPEG is the
PNG that Pillow's decoder plus ImageOps.exif_transpose yields.

Files written:
  orientation-N.jpg, orientation-N.expected.png   N = 1..8, RGB, EXIF Orientation N
  orientation-0.jpg, orientation-9.jpg            values outside 1..8 (Pillow leaves the image as stored)
  broken-tiff-header.jpg                          an Exif APP1 segment whose TIFF header is not "II" or "MM"
  broken-ifd-offset.jpg                           a valid TIFF header whose first IFD lies past the segment's end
  cmyk-orientation-1.jpg, cmyk-orientation-6.jpg  the same CMYK pixels without and with a 90 degree rotation
"""
import struct
import sys
from pathlib import Path

from PIL import Image, ImageOps

OUT = Path(sys.argv[1])
WIDTH = 6
HEIGHT = 4

# Colours of the top-left, top-right, bottom-left and bottom-right quadrants.
QUADRANTS = [(230, 20, 20), (20, 200, 40), (30, 40, 220), (240, 220, 30)]

ORIENTATION_TAG = 0x0112

# Quality 100 and no chroma subsampling, so the solid quadrants survive the DCT nearly unchanged.
JPEG_OPTIONS = {"quality": 100, "subsampling": 0}


def quadrant_image():
    image = Image.new("RGB", (WIDTH, HEIGHT))
    for y in range(HEIGHT):
        for x in range(WIDTH):
            bottom = y >= HEIGHT // 2
            right = x >= WIDTH // 2
            image.putpixel((x, y), QUADRANTS[2 * bottom + right])
    return image


def exif_with_orientation(value):
    exif = Image.Exif()
    exif[ORIENTATION_TAG] = value
    return exif


def write_reference(jpeg_path):
    """Decode the JPEG with Pillow, apply its EXIF orientation and store the result as a PNG next to it."""
    with Image.open(jpeg_path) as stored:
        upright = ImageOps.exif_transpose(stored).convert("RGB")
    upright.save(jpeg_path.with_name(jpeg_path.stem + ".expected.png"))


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    image = quadrant_image()

    # Every valid orientation, each with the upright rendering Pillow gives.
    for value in range(1, 9):
        path = OUT / f"orientation-{value}.jpg"
        image.save(path, "JPEG", exif=exif_with_orientation(value), **JPEG_OPTIONS)
        write_reference(path)

    # Values outside 1..8 must leave the image as stored, as Pillow does.
    for value in (0, 9):
        image.save(OUT / f"orientation-{value}.jpg", "JPEG", exif=exif_with_orientation(value), **JPEG_OPTIONS)

    # Damaged Exif segments. Pillow writes bytes given as exif= unchanged into the APP1 segment.
    image.save(OUT / "broken-tiff-header.jpg", "JPEG", exif=b"Exif\x00\x00XX\x00*garbage", **JPEG_OPTIONS)
    little_endian_header_far_ifd = b"II" + struct.pack("<HI", 42, 0x7FFF0000)
    image.save(OUT / "broken-ifd-offset.jpg", "JPEG", exif=b"Exif\x00\x00" + little_endian_header_far_ifd,
               **JPEG_OPTIONS)

    # CMYK (Pillow writes an Adobe APP14 segment) with and without rotation, to check the CMYK path is rotated too.
    cmyk = image.convert("CMYK")
    cmyk.save(OUT / "cmyk-orientation-1.jpg", "JPEG", **JPEG_OPTIONS)
    cmyk.save(OUT / "cmyk-orientation-6.jpg", "JPEG", exif=exif_with_orientation(6), **JPEG_OPTIONS)


if __name__ == "__main__":
    main()
