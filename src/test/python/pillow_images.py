"""Writes one small image of each kind Leafwalk must convert, and the grey values Pillow gives it.

Run by ImageConversionTest: python3 pillow_images.py OUT_DIR [ICC_PROFILE]. OUT_DIR gets the images and
reference.json: for every image its file, its size and the grey intensities in [0,1] that a one-channel model must
be fed, as Pillow computes them:
- transparency composited onto black (Image.alpha_composite), then Pillow's luma (convert("L"));
- CMYK through Pillow's own conversion (convert("L"));
- 16-bit samples divided by 65535, float samples as they are (or by their range when outside [0,1]);
- an animated GIF's first frame;
- an RGB JPEG and an RGB PNG with an embedded ICC profile through ImageCms (perceptual, to sRGB), then luma.
"""
import io
import json
import sys

from PIL import Image, ImageCms

S = 12
out = sys.argv[1]
ref = {}


def grey(im):
    return [v / 255 for v in im.convert("L").getdata()]


def on_black(im):
    rgba = im.convert("RGBA")
    return grey(Image.alpha_composite(Image.new("RGBA", rgba.size, (0, 0, 0, 255)), rgba))


def keep(name, im_values, notes, **save):
    ref[name] = {"file": name, "size": S, "values": im_values, "notes": notes}


# a bright digit drawn as opaque strokes, half-transparent edges, on a transparent background whose hidden colour
# is white (dropping alpha would show a negative)
im = Image.new("RGBA", (S, S), (255, 255, 255, 0))
for i in range(2, 10):
    im.putpixel((6, i), (255, 255, 255, 255))
    im.putpixel((5, i), (200, 200, 200, 128))
    im.putpixel((i, 3), (90, 160, 30, 200))
im.save(f"{out}/rgba.png")
keep("rgba.png", on_black(im), ["transparency"])

# a dark digit on a transparent white background: composited onto black it is dark on black, never a negative
im = Image.new("RGBA", (S, S), (255, 255, 255, 0))
for i in range(2, 10):
    im.putpixel((6, i), (0, 0, 0, 255))
im.save(f"{out}/dark-on-transparent.png")
keep("dark-on-transparent.png", on_black(im), ["transparency"])

# grey with alpha
im = Image.new("LA", (S, S))
im.putdata([((17 * i) % 256, (29 * i) % 256) for i in range(S * S)])
im.save(f"{out}/grey-alpha.png")
keep("grey-alpha.png", on_black(im), ["transparency"])

# a palette image with a transparent entry
im = Image.new("P", (S, S))
im.putpalette([0, 0, 0, 255, 255, 255, 120, 60, 200, 10, 250, 90] + [0] * (256 * 3 - 12))
im.putdata([(i // 3) % 4 for i in range(S * S)])
im.info["transparency"] = 2
im.save(f"{out}/palette-transparent.png", transparency=2)
keep("palette-transparent.png", on_black(Image.open(f"{out}/palette-transparent.png")), ["transparency"])

# CMYK JPEG without a profile
im = Image.new("CMYK", (S, S))
im.putdata([((23 * i) % 256, (71 * i) % 256, (5 * i) % 256, (13 * i) % 200) for i in range(S * S)])
im.save(f"{out}/cmyk.jpg", quality=100, subsampling=0)
keep("cmyk.jpg", grey(Image.open(f"{out}/cmyk.jpg")), ["CMYK"])

# 16-bit grey PNG across the whole range
im = Image.new("I;16", (S, S))
im.putdata([int(65535 * i / (S * S - 1)) for i in range(S * S)])
im.save(f"{out}/grey16.png")
keep("grey16.png", [v / 65535 for v in Image.open(f"{out}/grey16.png").getdata()], ["16-bit"])

# float TIFF with intensities in [0,1]
im = Image.new("F", (S, S))
im.putdata([(i % 7) / 6 for i in range(S * S)])
im.save(f"{out}/float.tif")
keep("float.tif", list(Image.open(f"{out}/float.tif").getdata()), ["floating-point"])

# float TIFF outside [0,1]: scaled by its range
im = Image.new("F", (S, S))
im.putdata([-3 + 8 * ((5 * i) % 11) / 10 for i in range(S * S)])
im.save(f"{out}/float-range.tif")
vals = list(Image.open(f"{out}/float-range.tif").getdata())
lo, hi = min(vals), max(vals)
keep("float-range.tif", [(v - lo) / (hi - lo) for v in vals], ["floating-point", "range"])

# an animated GIF: the first frame is used
frames = []
for f in range(3):
    fr = Image.new("L", (S, S), 0)
    for i in range(S):
        fr.putpixel((i, (i + 4 * f) % S), 255)
    frames.append(fr)
frames[0].save(f"{out}/animated.gif", save_all=True, append_images=frames[1:], duration=100, loop=0)
first = Image.open(f"{out}/animated.gif")
first.seek(0)
keep("animated.gif", grey(first), ["animated", "first"])

# an RGB JPEG in another colour space (an embedded ICC profile), converted to sRGB by the profile
if len(sys.argv) > 2:
    profile = ImageCms.getOpenProfile(sys.argv[2])
    im = Image.new("RGB", (S, S))
    im.putdata([((37 * i) % 256, (11 * i) % 256, (101 * i) % 256) for i in range(S * S)])
    raw = profile.tobytes()
    im.save(f"{out}/icc-rgb.jpg", quality=100, subsampling=0, icc_profile=raw)
    back = Image.open(f"{out}/icc-rgb.jpg")
    srgb = ImageCms.profileToProfile(back, ImageCms.ImageCmsProfile(io.BytesIO(raw)), ImageCms.createProfile("sRGB"),
                                     renderingIntent=ImageCms.Intent.PERCEPTUAL, outputMode="RGB")
    keep("icc-rgb.jpg", grey(srgb), ["colour profile"])
    im.save(f"{out}/icc-rgb.png", icc_profile=raw)
    back = Image.open(f"{out}/icc-rgb.png")
    srgb = ImageCms.profileToProfile(back, ImageCms.ImageCmsProfile(io.BytesIO(raw)), ImageCms.createProfile("sRGB"),
                                     renderingIntent=ImageCms.Intent.PERCEPTUAL, outputMode="RGB")
    keep("icc-rgb.png", grey(srgb), ["colour profile"])

with open(f"{out}/reference.json", "w") as fh:
    json.dump(ref, fh)
