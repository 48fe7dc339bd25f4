#!/usr/bin/env python3
"""Generate reference fixtures for the Java ViT implementation.

The goal is to reproduce, without torch/transformers, exactly what Hugging Face
`transformers` ViTForImageClassification (modeling_vit) computes for a given
checkpoint and image, so the Java loader + forward pass can be checked against
an independent implementation.

Outputs (under src/test/resources/fixtures/):
  rgb20.png, gray12.png              input images (8-bit, written by hand)
  hf-vit-tiny/                       HF-style checkpoint, `vit.` prefix, exact GELU
  hf-vit-tiny-nobias/                no `vit.` prefix, no patch bias, gelu_new,
                                     single channel
each model directory holding config.json, preprocessor_config.json,
model.safetensors and expected.json.

Numerical conventions:
  * Weights are drawn in float64, then rounded to float32 *before* the
    reference forward pass, because float32 is what the Java side reads from
    the safetensors file. The forward pass itself runs in float64 so the
    expectations are "exact math" on the stored weights; the Java test should
    compare with a tolerance appropriate for its own precision.
  * pixel_values are computed in float64 as ((pixel / 255) - mean) / std.
    (transformers' ViTImageProcessor does the same arithmetic but casts to
    float32 along the way; the difference is ~1e-7 relative.)
  * Dropout is irrelevant (inference), so it is not modelled.

Run:  python3 src/test/python/make_vit_fixtures.py
The script is deterministic (fixed seeds), so re-running it rewrites
byte-identical files.
"""

import json
import math
import os
import struct
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "resources", "fixtures"))


# ---------------------------------------------------------------------------
# PNG (hand-written so no imaging library is needed)
# ---------------------------------------------------------------------------

def _png_chunk(tag, data):
    # The CRC covers the chunk type and data, not the length field.
    return (struct.pack(">I", len(data)) + tag + data
            + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))


def write_png(path, pixels):
    """pixels: uint8 array (H, W) for grayscale or (H, W, 3) for RGB."""
    pixels = np.ascontiguousarray(pixels, dtype=np.uint8)
    h, w = pixels.shape[:2]
    color_type = 0 if pixels.ndim == 2 else 2
    ihdr = struct.pack(">IIBBBBB", w, h, 8, color_type, 0, 0, 0)
    # Filter type 0 ("None") on every row keeps the encoder trivial; any
    # conforming decoder must still handle it.
    raw = b"".join(b"\x00" + pixels[y].tobytes() for y in range(h))
    data = (b"\x89PNG\r\n\x1a\n"
            + _png_chunk(b"IHDR", ihdr)
            + _png_chunk(b"IDAT", zlib.compress(raw, 9))
            + _png_chunk(b"IEND", b""))
    with open(path, "wb") as f:
        f.write(data)


def read_png(path):
    """Minimal decoder used only to prove our own PNGs round-trip."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "bad PNG signature"
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        tag = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(tag + body) & 0xFFFFFFFF, "CRC mismatch in %r" % tag
        if tag == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif tag == b"IDAT":
            idat += body
        elif tag == b"IEND":
            break
        pos += 12 + length
    w, h, depth, color_type, _, _, interlace = ihdr
    assert depth == 8 and interlace == 0 and color_type in (0, 2)
    channels = 1 if color_type == 0 else 3
    raw = zlib.decompress(idat)
    stride = 1 + w * channels
    assert len(raw) == h * stride
    rows = []
    for y in range(h):
        assert raw[y * stride] == 0, "only filter type 0 is expected here"
        rows.append(np.frombuffer(raw[y * stride + 1:(y + 1) * stride], dtype=np.uint8))
    img = np.stack(rows)
    return img if channels == 1 else img.reshape(h, w, 3)


# ---------------------------------------------------------------------------
# safetensors (hand-written)
# ---------------------------------------------------------------------------

def write_safetensors(path, tensors):
    """tensors: dict name -> float32 ndarray. Laid out contiguously in sorted
    name order (what the safetensors library does when all dtypes agree)."""
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        arr = np.ascontiguousarray(tensors[name], dtype="<f4")
        blob = arr.tobytes()
        header[name] = {"dtype": "F32", "shape": list(arr.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    header["__metadata__"] = {"format": "pt"}
    hbytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    # Pad with spaces so the data section starts 8-byte aligned (8 + N % 8 == 0).
    hbytes += b" " * ((-len(hbytes)) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hbytes)))
        f.write(hbytes)
        for blob in blobs:
            f.write(blob)


def read_safetensors(path):
    """Independent re-read, so a layout bug in the writer cannot go unnoticed."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    assert (8 + n) % 8 == 0
    header = json.loads(data[8:8 + n].decode("utf-8"))
    header.pop("__metadata__", None)
    base, out, expect = 8 + n, {}, 0
    for name in sorted(header, key=lambda k: header[k]["data_offsets"][0]):
        meta = header[name]
        b, e = meta["data_offsets"]
        assert b == expect, "tensors not contiguous at %s" % name
        expect = e
        out[name] = np.frombuffer(data[base + b:base + e], dtype="<f4").reshape(meta["shape"])
    assert base + expect == len(data), "trailing bytes after tensor data"
    return out


# ---------------------------------------------------------------------------
# Reference forward pass (float64), mirroring transformers' modeling_vit
# ---------------------------------------------------------------------------

def gelu_exact(x):
    # math.erf is used element-wise because numpy has no erf and scipy may be absent.
    erf = np.vectorize(math.erf, otypes=[np.float64])
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


def gelu_new(x):
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


ACTS = {"gelu": gelu_exact, "gelu_new": gelu_new}


def layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)  # biased, as torch LayerNorm
    return (x - mu) / np.sqrt(var + eps) * w + b


def linear(x, w, b):
    # torch Linear stores weight as (out, in).
    return x @ w.T + b


def softmax(x):
    x = x - x.max(-1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(-1, keepdims=True)


def pixel_values_from(img, mean, std):
    """uint8 (H,W) or (H,W,C) -> float64 (C,H,W) normalised like ViTImageProcessor.
    Resize is a no-op because the images already have the configured size."""
    x = img.astype(np.float64)
    if x.ndim == 2:
        x = x[:, :, None]
    x = x.transpose(2, 0, 1) / 255.0
    mean = np.asarray(mean, dtype=np.float64)[:, None, None]
    std = np.asarray(std, dtype=np.float64)[:, None, None]
    return (x - mean) / std


def embed(pv, W, pre, cfg):
    p = cfg["patch_size"]
    c, h, w = pv.shape
    gh, gw = h // p, w // p
    # A stride==kernel conv is a matmul over patches flattened in (C, P, P)
    # order; patches enumerate the grid row-major, matching flatten(2) in HF.
    patches = (pv.reshape(c, gh, p, gw, p)
                 .transpose(1, 3, 0, 2, 4)
                 .reshape(gh * gw, c * p * p))
    kw = W[pre + "embeddings.patch_embeddings.projection.weight"]
    tok = patches @ kw.reshape(kw.shape[0], -1).T
    bias_name = pre + "embeddings.patch_embeddings.projection.bias"
    if bias_name in W:
        tok = tok + W[bias_name]
    cls = W[pre + "embeddings.cls_token"].reshape(1, -1)
    seq = np.concatenate([cls, tok], axis=0)
    return seq + W[pre + "embeddings.position_embeddings"][0]


def embed_loops(pv, W, pre, cfg):
    """Literal stride==kernel convolution, to cross-check the patch reshapes
    and raster ordering in embed()."""
    p = cfg["patch_size"]
    c, h, w = pv.shape
    kw = W[pre + "embeddings.patch_embeddings.projection.weight"]
    kb = W.get(pre + "embeddings.patch_embeddings.projection.bias")
    d = kw.shape[0]
    rows = [W[pre + "embeddings.cls_token"].reshape(-1)]
    for gy in range(h // p):
        for gx in range(w // p):
            tok = np.zeros(d) if kb is None else kb.copy()
            for o in range(d):
                for ch in range(c):
                    for ky in range(p):
                        for kx in range(p):
                            tok[o] += kw[o, ch, ky, kx] * pv[ch, gy * p + ky, gx * p + kx]
            rows.append(tok)
    return np.stack(rows) + W[pre + "embeddings.position_embeddings"][0]


def attention(x, W, lp, cfg):
    """Vectorised multi-head self-attention (the implementation under test)."""
    t, d = x.shape
    nh = cfg["num_attention_heads"]
    hd = d // nh
    a = lp + "attention.attention."
    # (T, d) -> (nh, T, hd): heads are contiguous hd-sized slices of d,
    # as in HF's transpose_for_scores.
    split = lambda z: z.reshape(t, nh, hd).transpose(1, 0, 2)
    q = split(linear(x, W[a + "query.weight"], W[a + "query.bias"]))
    k = split(linear(x, W[a + "key.weight"], W[a + "key.bias"]))
    v = split(linear(x, W[a + "value.weight"], W[a + "value.bias"]))
    probs = softmax(q @ k.transpose(0, 2, 1) / math.sqrt(hd))
    ctx = (probs @ v).transpose(1, 0, 2).reshape(t, d)
    o = lp + "attention.output.dense."
    return linear(ctx, W[o + "weight"], W[o + "bias"])


def attention_loops(x, W, lp, cfg):
    """Second, deliberately naive attention with explicit head/token loops,
    used only to cross-check the reshapes/transposes in attention()."""
    t, d = x.shape
    nh = cfg["num_attention_heads"]
    hd = d // nh
    a = lp + "attention.attention."
    q = linear(x, W[a + "query.weight"], W[a + "query.bias"])
    k = linear(x, W[a + "key.weight"], W[a + "key.bias"])
    v = linear(x, W[a + "value.weight"], W[a + "value.bias"])
    ctx = np.zeros((t, d))
    for h in range(nh):
        sl = slice(h * hd, (h + 1) * hd)
        for i in range(t):
            scores = [sum(q[i, sl][m] * k[j, sl][m] for m in range(hd)) / math.sqrt(hd)
                      for j in range(t)]
            mx = max(scores)
            ex = [math.exp(s - mx) for s in scores]
            z = sum(ex)
            for j in range(t):
                ctx[i, sl] += (ex[j] / z) * v[j, sl]
    out = np.zeros((t, d))
    o = lp + "attention.output.dense."
    wo, bo = W[o + "weight"], W[o + "bias"]
    for i in range(t):
        for r in range(d):
            out[i, r] = bo[r] + sum(wo[r, c] * ctx[i, c] for c in range(d))
    return out


def forward(pv, W, pre, cfg):
    eps = cfg["layer_norm_eps"]
    act = ACTS[cfg["hidden_act"]]
    emb = embed(pv, W, pre, cfg)
    err = np.max(np.abs(emb - embed_loops(pv, W, pre, cfg)))
    assert err < 1e-12, "embedding self-check failed: %g" % err
    h = emb
    for i in range(cfg["num_hidden_layers"]):
        lp = "%sencoder.layer.%d." % (pre, i)
        x = layer_norm(h, W[lp + "layernorm_before.weight"], W[lp + "layernorm_before.bias"], eps)
        att = attention(x, W, lp, cfg)
        if i == 0:
            alt = attention_loops(x, W, lp, cfg)
            err = np.max(np.abs(att - alt))
            assert err < 1e-12, "attention self-check failed: %g" % err
        h = h + att
        x = layer_norm(h, W[lp + "layernorm_after.weight"], W[lp + "layernorm_after.bias"], eps)
        m = act(linear(x, W[lp + "intermediate.dense.weight"], W[lp + "intermediate.dense.bias"]))
        h = h + linear(m, W[lp + "output.dense.weight"], W[lp + "output.dense.bias"])
    final = layer_norm(h, W[pre + "layernorm.weight"], W[pre + "layernorm.bias"], eps)
    cls = final[0]
    logits = linear(cls, W["classifier.weight"], W["classifier.bias"])
    return emb, cls, logits


# ---------------------------------------------------------------------------
# Model construction
# ---------------------------------------------------------------------------

def make_weights(cfg, pre, patch_bias, seed):
    rng = np.random.default_rng(seed)
    d, c, p = cfg["hidden_size"], cfg["num_channels"], cfg["patch_size"]
    inter, nl = cfg["intermediate_size"], cfg["num_hidden_layers"]
    t = (cfg["image_size"] // p) ** 2 + 1
    nlab = len(cfg["id2label"])

    # Scales are large-ish on purpose: with HF's 0.02 init the logits would be
    # tiny and a broken Java forward could still pass a loose tolerance.
    rnd = lambda *shape, s=0.3: rng.normal(0.0, s, size=shape)
    ln_w = lambda: 1.0 + rnd(d, s=0.1)

    W = {
        pre + "embeddings.cls_token": rnd(1, 1, d, s=0.5),
        pre + "embeddings.position_embeddings": rnd(1, t, d, s=0.5),
        pre + "embeddings.patch_embeddings.projection.weight": rnd(d, c, p, p, s=0.3),
    }
    if patch_bias:
        W[pre + "embeddings.patch_embeddings.projection.bias"] = rnd(d, s=0.3)
    for i in range(nl):
        lp = "%sencoder.layer.%d." % (pre, i)
        for n in ("query", "key", "value"):
            W[lp + "attention.attention.%s.weight" % n] = rnd(d, d, s=0.4)
            W[lp + "attention.attention.%s.bias" % n] = rnd(d, s=0.2)
        W[lp + "attention.output.dense.weight"] = rnd(d, d, s=0.3)
        W[lp + "attention.output.dense.bias"] = rnd(d, s=0.2)
        W[lp + "intermediate.dense.weight"] = rnd(inter, d, s=0.4)
        W[lp + "intermediate.dense.bias"] = rnd(inter, s=0.2)
        W[lp + "output.dense.weight"] = rnd(d, inter, s=0.3)
        W[lp + "output.dense.bias"] = rnd(d, s=0.2)
        W[lp + "layernorm_before.weight"] = ln_w()
        W[lp + "layernorm_before.bias"] = rnd(d, s=0.1)
        W[lp + "layernorm_after.weight"] = ln_w()
        W[lp + "layernorm_after.bias"] = rnd(d, s=0.1)
    W[pre + "layernorm.weight"] = ln_w()
    W[pre + "layernorm.bias"] = rnd(d, s=0.1)
    W["classifier.weight"] = rnd(nlab, d, s=0.5)
    W["classifier.bias"] = rnd(nlab, s=0.2)
    # Round to float32 now: the reference must use exactly what gets stored.
    return {k: v.astype(np.float32) for k, v in W.items()}


def hf_config(image_size, patch_size, channels, hidden, heads, inter, layers,
              act, eps, labels):
    id2label = {str(i): name for i, name in enumerate(labels)}
    return {
        "_name_or_path": "leafwalk/synthetic-vit",
        "architectures": ["ViTForImageClassification"],
        "attention_probs_dropout_prob": 0.0,
        "encoder_stride": patch_size,
        "hidden_act": act,
        "hidden_dropout_prob": 0.0,
        "hidden_size": hidden,
        "id2label": id2label,
        "image_size": image_size,
        "initializer_range": 0.02,
        "intermediate_size": inter,
        "label2id": {name: i for i, name in enumerate(labels)},
        "layer_norm_eps": eps,
        "model_type": "vit",
        "num_attention_heads": heads,
        "num_channels": channels,
        "num_hidden_layers": layers,
        "patch_size": patch_size,
        "qkv_bias": True,
        "torch_dtype": "float32",
        "transformers_version": "4.40.0",
    }


def preprocessor_config(size, mean, std):
    return {
        "do_normalize": True,
        "do_rescale": True,
        "do_resize": True,
        "image_mean": mean,
        "image_processor_type": "ViTImageProcessor",
        "image_std": std,
        "resample": 2,
        "rescale_factor": 0.00392156862745098,
        "size": {"height": size, "width": size},
    }


def build_model(dirname, cfg, pre, patch_bias, seed, image_name, img, mean, std):
    out = os.path.join(FIXTURES, dirname)
    os.makedirs(out, exist_ok=True)
    W32 = make_weights(cfg, pre, patch_bias, seed)
    write_safetensors(os.path.join(out, "model.safetensors"), W32)

    back = read_safetensors(os.path.join(out, "model.safetensors"))
    assert sorted(back) == sorted(W32)
    for k in W32:
        assert back[k].shape == W32[k].shape and np.array_equal(back[k], W32[k]), k

    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    with open(os.path.join(out, "preprocessor_config.json"), "w") as f:
        json.dump(preprocessor_config(cfg["image_size"], mean, std), f, indent=2)
        f.write("\n")

    W = {k: v.astype(np.float64) for k, v in back.items()}
    pv = pixel_values_from(img, mean, std)
    assert pv.shape == (cfg["num_channels"], cfg["image_size"], cfg["image_size"])
    emb, cls, logits = forward(pv, W, pre, cfg)

    # Python floats serialise via repr, so the JSON round-trips float64 exactly.
    expected = {
        "input": image_name,
        "logits": logits.tolist(),
        "cls_hidden": cls.tolist(),
        "embeddings_shape": list(emb.shape),
        "embeddings": emb.reshape(-1).tolist(),
        "pixel_values_shape": list(pv.shape),
        "pixel_values": pv.reshape(-1).tolist(),
    }
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f)
        f.write("\n")
    print("%s logits: %s" % (dirname, np.array2string(logits, precision=10, separator=", ")))
    return out


def main():
    os.makedirs(FIXTURES, exist_ok=True)
    rng = np.random.default_rng(20240601)

    rgb = rng.integers(0, 256, size=(20, 20, 3), dtype=np.uint8)
    gray = rng.integers(0, 256, size=(12, 12), dtype=np.uint8)
    for name, img in (("rgb20.png", rgb), ("gray12.png", gray)):
        path = os.path.join(FIXTURES, name)
        write_png(path, img)
        assert np.array_equal(read_png(path), img), "PNG round-trip failed: " + name

    tiny = hf_config(20, 5, 3, 12, 3, 20, 2, "gelu", 1e-12, ["ant", "bee", "cat", "dog"])
    build_model("hf-vit-tiny", tiny, "vit.", True, 1, "rgb20.png", rgb,
                [0.5, 0.5, 0.5], [0.5, 0.5, 0.5])

    nobias = hf_config(12, 3, 1, 8, 2, 16, 3, "gelu_new", 1e-6, ["red", "green", "blue"])
    build_model("hf-vit-tiny-nobias", nobias, "", False, 2, "gray12.png", gray,
                [0.1307], [0.3081])


if __name__ == "__main__":
    main()
