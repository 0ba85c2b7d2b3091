"""Small generated photos: a minimal PNG encoder (zlib + struct, nothing else).

Field systems attach a photo to a report and to its handling. The simulator only
needs a believable, valid image of a few kilobytes, so it draws a scene of
coloured blocks and encodes it itself rather than pull in an imaging library.
"""

from __future__ import annotations

import random
import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"
_COLOUR_RGB = 2  # PNG colour type 2: 8-bit RGB triples


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def encode_rgb(width: int, height: int, pixels: bytes) -> bytes:
    """A PNG of ``height`` rows of ``width`` RGB pixels (``pixels`` row by row)."""
    if len(pixels) != width * height * 3:
        raise ValueError("pixel data does not match the image size")
    stride = width * 3
    # Each scanline starts with its filter type; 0 (none) keeps the encoder trivial.
    raw = b"".join(b"\x00" + pixels[y * stride : (y + 1) * stride] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, _COLOUR_RGB, 0, 0, 0)
    return (
        SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 9))
        + _chunk(b"IEND", b"")
    )


def scene(rng: random.Random, stage: str, width: int = 64, height: int = 48) -> bytes:
    """A street-like scene: sky, ground, a few blocks; greener once the problem is handled."""
    ground = (96, 140, 88) if stage == "handled" else (120, 110, 100)
    sky = (150, 180, 215)
    image = bytearray()
    horizon = height // 3
    for y in range(height):
        image += bytes(sky if y < horizon else ground) * width
    for _ in range(rng.randint(2, 5)):
        colour = bytes(rng.randrange(40, 230) for _ in range(3))
        x0, y0 = rng.randrange(width - 8), rng.randrange(horizon // 2, height - 6)
        w, h = rng.randint(4, 16), rng.randint(3, 12)
        for y in range(y0, min(height, y0 + h)):
            start = (y * width + x0) * 3
            span = min(w, width - x0)
            image[start : start + span * 3] = colour * span
    return encode_rgb(width, height, bytes(image))
