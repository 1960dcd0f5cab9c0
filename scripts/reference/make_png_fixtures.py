#!/usr/bin/env python3
"""Writes the PNG fixtures for SceneForgeImagingTests and the pixels each must decode to.

The expected pixels come from the numpy arrays the files are made from (16-bit samples
rounded to 8 bits: round(v / 257)), never from the decoder under test. Pillow writes the
formats it can; a small independent writer (zlib + struct) writes the rest (16-bit colour,
gray+alpha 16, low bit depths, Adam7 interlacing). Every file is re-read with Pillow as a
check that it is a valid PNG that decodes to the source array.

Run: /tmp/refvenv/bin/python scripts/reference/make_png_fixtures.py
"""
import json, os, struct, zlib
import numpy as np
from PIL import Image, PngImagePlugin

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "Fixtures", "imaging", "png")
rng = np.random.default_rng(5)
W, H = 13, 9  # odd sizes exercise every Adam7 pass boundary


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def raw_rows(samples, depth):
    """samples: (h, w*channels) uint array -> scanlines, each with filter byte 0 (none)."""
    out = b""
    for row in samples:
        if depth == 16:
            data = row.astype(">u2").tobytes()
        elif depth == 8:
            data = row.astype(np.uint8).tobytes()
        else:  # pack sub-byte samples, most significant bits first
            per = 8 // depth
            padded = np.concatenate([row, np.zeros((-len(row)) % per, dtype=row.dtype)])
            packed = np.zeros(len(padded) // per, dtype=np.uint8)
            for i in range(per):
                packed |= (padded[i::per].astype(np.uint8) << (8 - depth * (i + 1))).astype(np.uint8)
            data = packed.tobytes()
        out += b"\x00" + data
    return out


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def write_png(path, pixels, color_type, depth, interlace=False, palette=None, trns=None):
    """pixels: (h, w, channels) array of raw samples."""
    h, w, ch = pixels.shape
    body = b""
    if interlace:
        for x0, y0, dx, dy in ADAM7:
            sub = pixels[y0::dy, x0::dx]
            if sub.size == 0:
                continue
            body += raw_rows(sub.reshape(sub.shape[0], -1), depth)
    else:
        body = raw_rows(pixels.reshape(h, -1), depth)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, color_type, 0, 0, int(interlace)))
    if palette is not None:
        data += chunk(b"PLTE", bytes(np.asarray(palette, dtype=np.uint8).reshape(-1)))
    if trns is not None:
        data += chunk(b"tRNS", bytes(trns))
    data += chunk(b"IDAT", zlib.compress(body, 9)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)


def to8(samples, depth):
    if depth == 16:
        return np.floor(samples.astype(np.float64) / 257.0 + 0.5).astype(np.uint8)
    return (samples.astype(np.uint32) * 255 // ((1 << depth) - 1)).astype(np.uint8)


def expand_rgba(samples, color_type, depth, palette=None, trns=None):
    """The RGBA8 pixels a correct decoder produces."""
    if color_type == 3:
        pal = np.asarray(palette, dtype=np.uint8)
        alpha = np.full(len(pal), 255, dtype=np.uint8)
        if trns is not None:
            alpha[: len(trns)] = trns
        idx = samples[..., 0]
        return np.dstack([pal[idx], alpha[idx]])
    s = to8(samples, depth)
    if color_type == 0:
        return np.dstack([s, s, s, np.full_like(s, 255)])
    if color_type == 4:
        return np.dstack([s[..., :1]] * 3 + [s[..., 1:2]])
    if color_type == 2:
        return np.dstack([s, np.full(s.shape[:2] + (1,), 255, np.uint8)])
    return s


def save(name, samples, color_type, depth, writer, **kw):
    path = os.path.join(OUT, name + ".png")
    writer(path, samples, color_type, depth, **kw)
    expected = expand_rgba(samples, color_type, depth, kw.get("palette"), kw.get("trns"))
    check_with_pillow(path, samples, color_type, depth, expected)
    expected.astype(np.uint8).tofile(os.path.join(OUT, name + ".rgba"))
    with open(path, "rb") as f:
        ihdr = f.read(33)[16:29]  # what the writer actually stored (Pillow picks its own palette depth)
    w, h, file_depth, file_type, _, _, interlace = struct.unpack(">IIBBBBB", ihdr)
    manifest.append({"name": name, "width": w, "height": h,
                     "colorType": file_type, "bitDepth": file_depth, "interlaced": bool(interlace)})


def check_with_pillow(path, samples, color_type, depth, expected):
    im = Image.open(path)
    im.load()
    if depth == 16 and color_type in (0,):
        got = np.asarray(im).astype(np.uint16)
        assert np.array_equal(got, samples[..., 0]), path
    elif depth == 16 and color_type == 2:  # Pillow truncates 16 -> 8 bits; the reference rounds
        got = np.asarray(im.convert("RGB")).astype(int)
        assert np.abs(got - expected[..., :3].astype(int)).max() <= 1, path
    elif depth == 16 or (color_type == 0 and depth < 8):
        pass  # Pillow reduces these its own way; the array itself is the reference
    else:
        got = np.asarray(im.convert("RGBA"))
        assert np.array_equal(got, expected), path


def pillow_writer(mode):
    def write(path, samples, color_type, depth, interlace=False, palette=None, trns=None):
        if mode == "P":
            im = Image.fromarray(samples[..., 0].astype(np.uint8), "P")
            im.putpalette(bytes(np.asarray(palette, dtype=np.uint8).reshape(-1)))
            im.save(path, transparency=bytes(trns)) if trns is not None else im.save(path)
        elif mode == "I;16":
            Image.fromarray(samples[..., 0].astype(np.uint16)).save(path)
        else:
            arr = samples[..., 0] if mode == "L" else samples
            Image.fromarray(arr.astype(np.uint8), mode).save(path)
    return write


manifest = []
os.makedirs(OUT, exist_ok=True)
u8 = lambda ch: rng.integers(0, 256, (H, W, ch))
u16 = lambda ch: rng.integers(0, 65536, (H, W, ch))

save("gray8", u8(1), 0, 8, pillow_writer("L"))
save("gray16", u16(1), 0, 16, pillow_writer("I;16"))
save("gray1", rng.integers(0, 2, (H, W, 1)), 0, 1, write_png)
save("gray4_interlaced", rng.integers(0, 16, (H, W, 1)), 0, 4, write_png, interlace=True)
save("grayalpha8", u8(2), 4, 8, pillow_writer("LA"))
save("grayalpha16", u16(2), 4, 16, write_png)
save("rgb8", u8(3), 2, 8, pillow_writer("RGB"))
save("rgb16", u16(3), 2, 16, write_png)
save("rgba8", u8(4), 6, 8, pillow_writer("RGBA"))
save("rgba16", u16(4), 6, 16, write_png)
save("rgba8_interlaced", u8(4), 6, 8, write_png, interlace=True)
save("rgb16_interlaced", u16(3), 2, 16, write_png, interlace=True)
save("rgba16_interlaced", u16(4), 6, 16, write_png, interlace=True)
pal = rng.integers(0, 256, (16, 3))
save("palette8_trns", rng.integers(0, 16, (H, W, 1)), 3, 8, write_png, palette=pal, trns=list(range(0, 256, 32)))
save("palette_pillow_trns", rng.integers(0, 16, (H, W, 1)), 3, 8, pillow_writer("P"), palette=pal, trns=list(range(0, 256, 32)))
save("palette4_interlaced", rng.integers(0, 16, (H, W, 1)), 3, 4, write_png, interlace=True, palette=pal)
save("palette2", rng.integers(0, 4, (H, W, 1)), 3, 2, write_png, palette=pal[:4], trns=[0, 128])

# A1111-style metadata, written the way A1111 writes it: PngInfo.add_text("parameters", text),
# which Pillow stores as tEXt when the text is Latin-1 and as iTXt otherwise.
def a1111(name, text, **extra):
    info = PngImagePlugin.PngInfo()
    info.add_text("parameters", text)
    for k, (v, z) in extra.items():
        info.add_text(k, v, zip=z)
    img = Image.fromarray(u8(3).astype(np.uint8), "RGB")
    img.save(os.path.join(OUT, name + ".png"), pnginfo=info)
    meta = {"parameters": text}
    meta.update({k: v for k, (v, _) in extra.items()})
    with open(os.path.join(OUT, name + ".json"), "w", encoding="utf-8") as f:
        json.dump(meta, f, ensure_ascii=False, indent=1)

a1111("a1111_latin",
      "a cat, masterpiece <lora:catstyle:0.8>\nNegative prompt: blurry, lowres\n"
      "Steps: 20, Sampler: Euler a, CFG scale: 7.0, Seed: 1234, Size: 512x768, Model hash: abcd1234, "
      "Model: sd_xl_base_1.0, Lora hashes: \"catstyle: 0123abcd\", Version: v1.9.4")
a1111("a1111_chinese",
      "美团商家页面，优惠券弹窗遮挡下单按钮\nNegative prompt: 模糊，低质量\n"
      "Steps: 8, Sampler: Euler, CFG scale: 1.0, Seed: 42, Size: 720x1440, Model hash: 0a1b2c3d, Model: z_image_turbo",
      comment=("zTXt compressed comment " * 20, True))

with open(os.path.join(OUT, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=1)
print("wrote", len(manifest), "pixel fixtures to", os.path.normpath(OUT))

# Decompression bombs: tiny files whose compressed data expands enormously.
MAL = os.path.join(OUT, "..", "malformed")
os.makedirs(MAL, exist_ok=True)
ihdr16 = chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0))
zeros = zlib.compress(b"\x00" * (16 << 20), 9)  # 16 MiB of scanline zeros for a 16x16 image
with open(os.path.join(MAL, "idat_bomb.png"), "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + ihdr16 + chunk(b"IDAT", zeros) + chunk(b"IEND", b""))
small_idat = zlib.compress(b"\x00" * (16 * (1 + 16 * 3)))
text_bomb = chunk(b"zTXt", b"comment\x00\x00" + zlib.compress(b"A" * (16 << 20), 9))
with open(os.path.join(MAL, "ztxt_bomb.png"), "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + ihdr16 + text_bomb + chunk(b"IDAT", small_idat) + chunk(b"IEND", b""))
print("wrote decompression bombs to", os.path.normpath(MAL))
