"""Resizes and centre-crops one RGB image as transformers' image processors do, with Pillow, for ResizeTest.

Run: python3 pillow_resize.py OUT_DIR. OUT_DIR gets source.png (37 x 53, seeded noise over gradients) and
reference.json: per case the processor settings and the RGB values in [0,1], (C, H, W), that the model is fed:
PIL.Image.resize((w, h), resample) as transformers' resize calls it (reducing_gap None), then the centre crop of
transformers' image_transforms.center_crop (top = (h - crop_h) // 2).
"""
import json
import random
import sys

from PIL import Image

out = sys.argv[1]
W, H = 37, 53
rnd = random.Random(5)
src = Image.new("RGB", (W, H))
for y in range(H):
    for x in range(W):
        src.putpixel((x, y), (min(255, x * 6 + rnd.randrange(40)), min(255, y * 4 + rnd.randrange(40)),
                              rnd.randrange(256)))
src.save(f"{out}/source.png")


def shortest(size, w, h):
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = size, int(size * long / short)
    return (new_short, new_long) if w <= h else (new_long, new_short)


def case(name, processor_class, resample, size=None, shortest_edge=None, crop=None, crop_pct=None):
    if crop_pct is not None:  # ConvNextImageProcessor: the shortest edge to int(size / crop_pct), crop size x size
        w, h = shortest(int(shortest_edge / crop_pct), W, H)
        crop = shortest_edge
    elif shortest_edge is not None:
        w, h = shortest(shortest_edge, W, H)
    else:
        w, h = size, size
    im = src.resize((w, h), resample=resample, reducing_gap=None)
    if crop is not None:
        top, left = (h - crop) // 2, (w - crop) // 2
        im = im.crop((left, top, left + crop, top + crop))
    s = im.size[0]
    values = [[im.getpixel((x, y))[c] / 255 for y in range(s) for x in range(s)] for c in range(3)]
    processor = {"image_processor_type": processor_class, "do_resize": True, "resample": resample,
                 "size": {"height": size, "width": size} if size else {"shortest_edge": shortest_edge}}
    if crop_pct is not None:
        processor["crop_pct"] = crop_pct
    elif crop is not None:
        processor["do_center_crop"] = True
        processor["crop_size"] = {"height": crop, "width": crop}
    elif processor_class != "ViTImageProcessor":
        processor["do_center_crop"] = False
    ref[name] = {"processor": processor, "size": s, "values": [v for plane in values for v in plane]}


ref = {}
# the class each case's fields belong to, as transformers reads them
case("vit-bilinear", "ViTImageProcessor", Image.BILINEAR, size=12)
case("bicubic", "ViTImageProcessor", Image.BICUBIC, size=12)
case("clip-shortest-edge-crop", "CLIPImageProcessor", Image.BICUBIC, shortest_edge=14, crop=12)
case("convnext-crop-pct", "ConvNextImageProcessor", Image.BICUBIC, shortest_edge=12, crop_pct=0.875)
case("lanczos-up", "ViTImageProcessor", Image.LANCZOS, size=60)
case("box", "ViTImageProcessor", Image.BOX, size=12)
case("hamming", "ViTImageProcessor", Image.HAMMING, size=12)
case("nearest", "ViTImageProcessor", Image.NEAREST, size=12)
with open(f"{out}/reference.json", "w") as f:
    json.dump(ref, f)
