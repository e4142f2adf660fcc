#!/usr/bin/python3
"""Writes the PNG, APNG and GIF fixtures of the raster decoder tests into the folder given as argument.

Every file is written byte by byte here (PNG chunks with zlib, GIF blocks with a small LZW encoder). So each
fixture holds exactly the structure a test needs, for example a colour key that differs from another pixel only in
the low byte of a 16-bit sample, fdAT data split across chunks, a GIF cut inside its third image, or headers that
declare huge sizes. The pixel patterns are simple formulas that the Java tests recompute.
"""
import struct
import sys
import zlib
from pathlib import Path

OUT = Path(sys.argv[1])


# PNG ------------------------------------------------------------------------------------------------------------

def chunk(kind, data):
    body = kind.encode("ascii") + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def ihdr(width, height, bit_depth, colour_type, interlace=0):
    return chunk("IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, interlace))


def pack_rows(rows, bit_depth):
    """Packs rows of samples (lists of ints) into filtered scanlines (filter type 0)."""
    raw = bytearray()
    for row in rows:
        raw.append(0)
        if bit_depth == 16:
            for sample in row:
                raw += struct.pack(">H", sample)
        elif bit_depth == 8:
            raw += bytes(row)
        else:
            per_byte = 8 // bit_depth
            for start in range(0, len(row), per_byte):
                value = 0
                group = row[start:start + per_byte]
                for i in range(per_byte):
                    value = (value << bit_depth) | (group[i] if i < len(group) else 0)
                raw.append(value)
    return bytes(raw)


def adam7_rows(pixel_rows, bands):
    """Reorders rows of pixels (lists of sample tuples flattened per pixel) into the seven Adam7 passes."""
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
    height = len(pixel_rows)
    width = len(pixel_rows[0]) // bands
    out = []
    for x0, y0, dx, dy in passes:
        for y in range(y0, height, dy):
            row = []
            for x in range(x0, width, dx):
                row += pixel_rows[y][x * bands:(x + 1) * bands]
            if row:
                out.append(row)
    return out


def png(width, height, bit_depth, colour_type, rows, extra=b"", interlace=0):
    bands = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour_type]
    if interlace:
        rows = adam7_rows(rows, bands)
    data = zlib.compress(pack_rows(rows, bit_depth), 9)
    return (b"\x89PNG\r\n\x1a\n" + ihdr(width, height, bit_depth, colour_type, interlace) + extra
            + chunk("IDAT", data) + chunk("IEND", b""))


def grey_pattern(x, y, bit_depth):
    """Grey samples: every value of the depth appears; for 16 bits two values differ only in the low byte."""
    if bit_depth == 16:
        return (x * 4099 + y * 257) & 0xFFFF
    return (x + y * 3) % (1 << bit_depth)


def write_png_fixtures():
    size = 8
    # Grey with a colour key, every bit depth. The key is the sample at (1, 0).
    for depth in (1, 2, 4, 8, 16):
        rows = [[grey_pattern(x, y, depth) for x in range(size)] for y in range(size)]
        key = grey_pattern(1, 0, depth)
        (OUT / f"grey{depth}-trns.png").write_bytes(
            png(size, size, depth, 0, rows, chunk("tRNS", struct.pack(">H", key))))

    # RGB 16-bit with the colour key (0x1234, 0x5678, 0x9ABC) at pixel (2, 0). Pixel (3, 0) differs only in the
    # low byte of red, so a comparison of 8-bit values would wrongly make it transparent too.
    def rgb16(x, y):
        if (x, y) == (2, 0):
            return [0x1234, 0x5678, 0x9ABC]
        if (x, y) == (3, 0):
            return [0x12FF, 0x5678, 0x9ABC]
        return [(x * 8000) & 0xFFFF, (y * 8000) & 0xFFFF, ((x + y) * 3000) & 0xFFFF]
    rows = [sum((rgb16(x, y) for x in range(size)), []) for y in range(size)]
    (OUT / "rgb16-trns.png").write_bytes(png(size, size, 16, 2, rows, chunk("tRNS", struct.pack(">HHH", 0x1234, 0x5678, 0x9ABC))))

    # RGB 8-bit, Adam7-interlaced, key (10, 20, 30) at every pixel where (x + y) % 3 == 0.
    def rgb8(x, y):
        return [10, 20, 30] if (x + y) % 3 == 0 else [x * 30, y * 30, 200]
    rows = [sum((rgb8(x, y) for x in range(size)), []) for y in range(size)]
    (OUT / "rgb8-trns-interlaced.png").write_bytes(
        png(size, size, 8, 2, rows, chunk("tRNS", bytes([0, 10, 0, 20, 0, 30])), interlace=1))

    # RGBA 16-bit: samples (x * 8191, y * 8191, 0xABCD, 0x8000 + x) keep their high byte.
    rows = [sum(([x * 8191, y * 8191, 0xABCD, 0x8000 + x] for x in range(size)), []) for y in range(size)]
    (OUT / "rgba16.png").write_bytes(png(size, size, 16, 6, rows))

    # Palette, 4 bits: 16 colours (i * 16, 255 - i * 16, 7), tRNS with alphas for the first 3 entries only.
    plte = b"".join(bytes([i * 16, 255 - i * 16, 7]) for i in range(16))
    rows = [[(x + y * size) % 16 for x in range(size)] for y in range(size)]
    (OUT / "palette4-trns.png").write_bytes(
        png(size, size, 4, 3, rows, chunk("PLTE", plte) + chunk("tRNS", bytes([0, 128, 255]))))

    # Palette with an empty tRNS chunk, which libpng ignores: every pixel stays opaque.
    (OUT / "palette-empty-trns.png").write_bytes(
        png(2, 1, 8, 3, [[0, 1]], chunk("PLTE", bytes([255, 0, 0, 0, 0, 255])) + chunk("tRNS", b"")))


# APNG -----------------------------------------------------------------------------------------------------------

def rgba_rows(width, height, colour):
    return [list(colour) * width for _ in range(height)]


def fctl(sequence, width, height, x, y, delay_num, delay_den, dispose, blend):
    return chunk("fcTL", struct.pack(">IIIIIHHBB", sequence, width, height, x, y, delay_num, delay_den, dispose, blend))


def frame_data(width, height, colour):
    return zlib.compress(pack_rows(rgba_rows(width, height, colour), 8), 9)


def write_apng_fixtures():
    # Split fdAT on a 16x16 canvas. Frame 0 is the IDAT default image in opaque blue. Frame 1 is an opaque green
    # 8x8 square at (4, 4) whose zlib stream is cut into three fdAT chunks (dispose none, blend source).
    head = b"\x89PNG\r\n\x1a\n" + ihdr(16, 16, 8, 6) + chunk("acTL", struct.pack(">II", 2, 0))
    body = fctl(0, 16, 16, 0, 0, 5, 100, 0, 0) + chunk("IDAT", frame_data(16, 16, (0, 0, 255, 255)))
    data = frame_data(8, 8, (0, 255, 0, 255))
    thirds = [data[:len(data) // 3], data[len(data) // 3:2 * len(data) // 3], data[2 * len(data) // 3:]]
    body += fctl(1, 8, 8, 4, 4, 7, 100, 0, 0)
    for index, part in enumerate(thirds):
        body += chunk("fdAT", struct.pack(">I", 2 + index) + part)
    (OUT / "split-fdat.apng").write_bytes(head + body + chunk("IEND", b""))

    # Partial alpha over partial alpha: frame 0 red at alpha 128 (source), frame 1 blue at alpha 64 (over),
    # frame 2 white at alpha 0 (over, must change nothing). Delays 0/100, 1/100 and 3/0 (3/100 s).
    head = b"\x89PNG\r\n\x1a\n" + ihdr(4, 4, 8, 6) + chunk("acTL", struct.pack(">II", 3, 0))
    body = fctl(0, 4, 4, 0, 0, 0, 100, 0, 0) + chunk("IDAT", frame_data(4, 4, (255, 0, 0, 128)))
    body += fctl(1, 4, 4, 0, 0, 1, 100, 0, 1) + chunk("fdAT", struct.pack(">I", 2) + frame_data(4, 4, (0, 0, 255, 64)))
    body += fctl(3, 4, 4, 0, 0, 3, 0, 0, 1) + chunk("fdAT", struct.pack(">I", 4) + frame_data(4, 4, (255, 255, 255, 0)))
    (OUT / "partial-alpha-over.apng").write_bytes(head + body + chunk("IEND", b""))

    # Three frames, the file cut inside the third frame's fdAT.
    head = b"\x89PNG\r\n\x1a\n" + ihdr(8, 8, 8, 6) + chunk("acTL", struct.pack(">II", 3, 0))
    body = fctl(0, 8, 8, 0, 0, 10, 100, 0, 0) + chunk("IDAT", frame_data(8, 8, (255, 0, 0, 255)))
    body += fctl(1, 8, 8, 0, 0, 10, 100, 0, 0) + chunk("fdAT", struct.pack(">I", 2) + frame_data(8, 8, (0, 255, 0, 255)))
    third = fctl(3, 8, 8, 0, 0, 10, 100, 0, 0) + chunk("fdAT", struct.pack(">I", 4) + frame_data(8, 8, (0, 0, 255, 255)))
    (OUT / "truncated.apng").write_bytes(head + body + third[:len(third) - 10])

    # A frame that reaches outside the canvas: 8x8 at (4, 4) on an 8x8 canvas.
    head = b"\x89PNG\r\n\x1a\n" + ihdr(8, 8, 8, 6) + chunk("acTL", struct.pack(">II", 2, 0))
    body = fctl(0, 8, 8, 0, 0, 10, 100, 0, 0) + chunk("IDAT", frame_data(8, 8, (255, 0, 0, 255)))
    body += fctl(1, 8, 8, 4, 4, 10, 100, 0, 0) + chunk("fdAT", struct.pack(">I", 2) + frame_data(8, 8, (0, 255, 0, 255)))
    (OUT / "frame-outside.apng").write_bytes(head + body + chunk("IEND", b""))


# GIF ------------------------------------------------------------------------------------------------------------

def lzw_encode(indices, min_code_size):
    """Encodes colour indices with GIF's variable-length LZW, packed LSB first."""
    clear = 1 << min_code_size
    end = clear + 1
    table = {bytes([i]): i for i in range(clear)}
    next_code = end + 1
    code_size = min_code_size + 1
    bits = 0
    bit_count = 0
    out = bytearray()

    def emit(code):
        nonlocal bits, bit_count
        bits |= code << bit_count
        bit_count += code_size
        while bit_count >= 8:
            out.append(bits & 0xFF)
            bits >>= 8
            bit_count -= 8

    emit(clear)
    prefix = b""
    for index in indices:
        candidate = prefix + bytes([index])
        if candidate in table:
            prefix = candidate
            continue
        emit(table[prefix])
        if next_code < 4096:
            table[candidate] = next_code
            next_code += 1
            if next_code > (1 << code_size) and code_size < 12:
                code_size += 1
        else:
            emit(clear)
            table = {bytes([i]): i for i in range(clear)}
            next_code = end + 1
            code_size = min_code_size + 1
        prefix = bytes([index])
    if prefix:
        emit(table[prefix])
    emit(end)
    if bit_count:
        out.append(bits & 0xFF)
    return bytes(out)


def sub_blocks(data):
    out = bytearray()
    for start in range(0, len(data), 255):
        piece = data[start:start + 255]
        out.append(len(piece))
        out += piece
    out.append(0)
    return bytes(out)


PALETTE = bytes([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255])  # black, red, green, blue (a 4-entry table)


def gif_header(version, width, height, palette=PALETTE):
    size_bits = max(0, (len(palette) // 3 - 1).bit_length() - 1)
    return (b"GIF" + version + struct.pack("<HHBBB", width, height, 0x80 | size_bits, 0, 0) + palette)


def gce(disposal, delay, transparent=None):
    flags = (disposal << 2) | (1 if transparent is not None else 0)
    return b"\x21\xF9\x04" + struct.pack("<BHB", flags, delay, transparent or 0) + b"\x00"


def image(x, y, width, height, indices, interlaced=False):
    if interlaced:
        order = list(range(0, height, 8)) + list(range(4, height, 8)) + list(range(2, height, 4)) + list(range(1, height, 2))
        indices = sum((indices[row * width:(row + 1) * width] for row in order), [])
    descriptor = b"\x2C" + struct.pack("<HHHHB", x, y, width, height, 0x40 if interlaced else 0)
    return descriptor + bytes([2]) + sub_blocks(lzw_encode(indices, 2))


def gif_pattern(width, height, frame):
    """Colour indices 1 to 3: vertical stripes that shift with the frame number."""
    return [1 + (x + y // 4 + frame) % 3 for y in range(height) for x in range(width)]


def write_gif_fixtures():
    # Interlaced and non-interlaced twins: 2 frames of 12x20, delays 20 and 30 hundredths.
    for interlaced in (False, True):
        data = gif_header(b"89a", 12, 20)
        for frame in range(2):
            data += gce(1, 20 + 10 * frame) + image(0, 0, 12, 20, gif_pattern(12, 20, frame), interlaced)
        name = "stripes-interlaced.gif" if interlaced else "stripes.gif"
        (OUT / name).write_bytes(data + b"\x3B")

    # GIF87a: one 12x20 image, no extensions.
    (OUT / "stripes-87a.gif").write_bytes(gif_header(b"87a", 12, 20) + image(0, 0, 12, 20, gif_pattern(12, 20, 0)) + b"\x3B")

    # Truncated: three 12x20 frames, the file cut in the middle of the third image's data.
    data = gif_header(b"89a", 12, 20)
    for frame in range(2):
        data += gce(1, 10) + image(0, 0, 12, 20, gif_pattern(12, 20, frame))
    third = gce(1, 10) + image(0, 0, 12, 20, gif_pattern(12, 20, 2))
    (OUT / "truncated.gif").write_bytes(data + third[:len(third) // 2])

    # Short delays: 0 and 1 hundredths play as 10, 2 stays 2.
    data = gif_header(b"89a", 4, 4)
    for frame, delay in enumerate((0, 1, 2)):
        data += gce(1, delay) + image(0, 0, 4, 4, gif_pattern(4, 4, frame))
    (OUT / "short-delays.gif").write_bytes(data + b"\x3B")

    # Disposal method 4, which browsers read as restore to previous: a red 4x4 frame, a green 2x2 square at (1, 1)
    # with disposal 4, then a frame whose only pixel is transparent. The third frame must be red everywhere.
    data = gif_header(b"89a", 4, 4)
    data += gce(1, 10) + image(0, 0, 4, 4, [1] * 16)
    data += gce(4, 10) + image(1, 1, 2, 2, [2] * 4)
    data += gce(1, 10, transparent=0) + image(0, 0, 1, 1, [0])
    (OUT / "dispose4.gif").write_bytes(data + b"\x3B")

    # Logical screen 0x0: the canvas takes the first image's extent, 6x5 at (2, 1) gives 8x6.
    (OUT / "zero-screen.gif").write_bytes(gif_header(b"89a", 0, 0) + image(2, 1, 6, 5, gif_pattern(6, 5, 0)) + b"\x3B")

    # Decompression bombs. 65535x65535 screen and image in a few dozen bytes (a 2-entry table, one pixel of data).
    tiny = bytes([0, 0, 0, 255, 255, 255])
    bomb = gif_header(b"89a", 65535, 65535, tiny) + b"\x2C" + struct.pack("<HHHHB", 0, 0, 65535, 65535, 0)
    bomb += bytes([2]) + sub_blocks(lzw_encode([1], 2)) + b"\x3B"
    (OUT / "bomb-65535.gif").write_bytes(bomb)
    # 20000x20000 declared, a few hundred pixels of data.
    big = gif_header(b"89a", 20000, 20000) + b"\x2C" + struct.pack("<HHHHB", 0, 0, 20000, 20000, 0)
    big += bytes([2]) + sub_blocks(lzw_encode([1, 2, 3] * 100, 2)) + b"\x3B"
    (OUT / "bomb-20000.gif").write_bytes(big)
    # A small screen with one 30000x30000 image descriptor.
    frame_bomb = gif_header(b"89a", 16, 16) + b"\x2C" + struct.pack("<HHHHB", 0, 0, 30000, 30000, 0)
    frame_bomb += bytes([2]) + sub_blocks(lzw_encode([1], 2)) + b"\x3B"
    (OUT / "bomb-frame.gif").write_bytes(frame_bomb)


OUT.mkdir(parents=True, exist_ok=True)
write_png_fixtures()
write_apng_fixtures()
write_gif_fixtures()
