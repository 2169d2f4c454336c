"""make_sample.py - draws samples/sample.png, the demo's fallback input.

A 160x120 RGB picture made here from formulas (so it carries no third-party licence):
a soft colour gradient, a disc with a hard edge, fine stripes, a zone-plate ring pattern
and a checkerboard - edges and textures that show what super-resolution does.
Written with zlib only (no imaging library). Run: python3 samples/make_sample.py
"""
import math
import os
import struct
import zlib

W, H = 160, 120


def pixel(x, y):
    r = 0.25 + 0.5 * x / W
    g = 0.3 + 0.4 * y / H
    b = 0.55 - 0.3 * x / W
    if (x - 48) ** 2 + (y - 44) ** 2 < 26 ** 2:  # orange disc, hard edge
        r, g, b = 0.95, 0.55, 0.1
    if 92 <= x < 150 and 10 <= y < 50:  # fine stripes at slowly rising frequency
        v = 0.5 + 0.5 * math.cos(0.25 * (x - 92) ** 1.35)
        r = g = b = v
    if 92 <= x < 150 and 60 <= y < 110:  # zone plate
        d2 = (x - 121) ** 2 + (y - 85) ** 2
        v = 0.5 + 0.5 * math.cos(d2 / 40.0)
        r, g, b = v, 0.8 * v + 0.1, 1.0 - 0.6 * v
    if 10 <= x < 70 and 80 <= y < 112:  # checkerboard of 4-pixel squares
        v = 0.9 if ((x // 4) + (y // 4)) % 2 else 0.1
        r = g = b = v
    return tuple(max(0, min(255, int(round(255 * c)))) for c in (r, g, b))


def chunk(tag, data):
    c = tag + data
    return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xFFFFFFFF)


rows = b"".join(b"\x00" + bytes(v for x in range(W) for v in pixel(x, y)) for y in range(H))
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 8, 2, 0, 0, 0))
       + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sample.png")
with open(out, "wb") as f:
    f.write(png)
print("wrote", out, len(png), "bytes")
