"""PNG files for sample grids and image-folder data, with the standard library only (zlib).

Writes 8-bit grey or RGB PNGs atomically, with optional tEXt chunks after IHDR (the run's
provenance, as runtime/images/png.ts writes them); reads 8-bit grey, grey+alpha, RGB and RGBA
PNGs (alpha dropped, as sharp's removeAlpha does) and refuses every other kind in one line.
May import: the standard library and ganspec_torch.errors.
"""
from __future__ import annotations

import os
import struct
import zlib

from .errors import UserError
from .files import write_atomic

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def _text_chunk(keyword: str, text: str) -> bytes:
    key = keyword.encode("latin-1")
    if not 1 <= len(key) <= 79:
        raise ValueError(f"not a PNG tEXt keyword: {keyword!r}")
    return _chunk(b"tEXt", key + b"\x00" + text.encode("latin-1", "replace"))


def encode_png(data: bytes, width: int, height: int, channels: int, text: dict[str, str] | None = None) -> bytes:
    """The PNG bytes of row-major 8-bit pixels: grey for 1 channel, RGB for 3."""
    if channels not in (1, 3):
        raise ValueError(f"encode_png: 1 or 3 channels, got {channels}")
    stride = width * channels
    if len(data) != stride * height:
        raise ValueError(f"encode_png: {len(data)} bytes for {width}x{height}x{channels}")
    raw = b"".join(b"\x00" + data[y * stride:(y + 1) * stride] for y in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0 if channels == 1 else 2, 0, 0, 0)
    chunks = [_chunk(b"IHDR", ihdr)]
    chunks += [_text_chunk(k, v) for k, v in (text or {}).items()]
    chunks += [_chunk(b"IDAT", zlib.compress(raw, 6)), _chunk(b"IEND", b"")]
    return SIGNATURE + b"".join(chunks)


def write_png(path: str, data: bytes, width: int, height: int, channels: int, text: dict[str, str] | None = None) -> None:
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    write_atomic(path, encode_png(data, width, height, channels, text))


def png_text(png: bytes) -> dict[str, str]:
    """The tEXt entries of a PNG's bytes."""
    out: dict[str, str] = {}
    at = 8
    while at + 12 <= len(png):
        (length,) = struct.unpack(">I", png[at:at + 4])
        kind = png[at + 4:at + 8]
        if kind == b"tEXt":
            body = png[at + 8:at + 8 + length]
            key, _, value = body.partition(b"\x00")
            out[key.decode("latin-1")] = value.decode("latin-1")
        if kind == b"IEND":
            break
        at += 12 + length
    return out


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def _unfilter(raw: bytes, width: int, height: int, bpp: int, file: str) -> bytearray:
    stride = width * bpp
    if len(raw) != height * (stride + 1):
        raise UserError(f"{file}: corrupt PNG (image data has {len(raw)} bytes, {height * (stride + 1)} expected)")
    out = bytearray(height * stride)
    prev = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif kind == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 0xFF
        elif kind == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                up_left = prev[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + _paeth(left, prev[i], up_left)) & 0xFF
        elif kind != 0:
            raise UserError(f"{file}: corrupt PNG (unknown row filter {kind})")
        out[y * stride:(y + 1) * stride] = line
        prev = line
    return out


def read_png(file: str) -> tuple[bytes, int, int, int]:
    """(pixels, width, height, channels) of an 8-bit grey or RGB PNG (alpha dropped); 1 or 3 channels."""
    try:
        with open(file, "rb") as f:
            png = f.read()
    except OSError as err:
        raise UserError(f"{file}: cannot read ({err.strerror})") from None
    if not png.startswith(SIGNATURE):
        raise UserError(f"{file}: not a PNG file")
    at, header, idat = 8, None, []
    while at + 12 <= len(png):
        (length,) = struct.unpack(">I", png[at:at + 4])
        kind, body = png[at + 4:at + 8], png[at + 8:at + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body[:13])
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        at += 12 + length
    if header is None or not idat:
        raise UserError(f"{file}: corrupt PNG (no IHDR or IDAT chunk)")
    width, height, depth, color, _, _, interlace = header
    samples = {0: 1, 2: 3, 4: 2, 6: 4}.get(color)
    if depth != 8 or samples is None or interlace != 0:
        kinds = {0: "grey", 2: "RGB", 3: "palette", 4: "grey+alpha", 6: "RGBA"}
        raise UserError(f"{file}: a {depth}-bit {kinds.get(color, f'colour type {color}')}{' interlaced' if interlace else ''} PNG; "
                        "only 8-bit grey or RGB PNGs (with or without alpha, not interlaced) can be read here (convert it, e.g. with ImageMagick)")
    try:
        raw = zlib.decompress(b"".join(idat))
    except zlib.error:
        raise UserError(f"{file}: corrupt PNG (bad compressed data)") from None
    pixels = _unfilter(raw, width, height, samples, file)
    if samples in (2, 4):
        keep = samples - 1
        opaque = bytearray(len(pixels) // samples * keep)
        for k in range(keep):
            opaque[k::keep] = pixels[k::samples]
        pixels, samples = opaque, keep
    return bytes(pixels), width, height, samples
