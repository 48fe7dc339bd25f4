#!/usr/bin/env python3
"""Reference fixtures for the vision families Leafwalk opens besides ViT.

For each family and variant it writes a tiny seeded checkpoint in the transformers
layout (config.json, preprocessor_config.json, model.safetensors with the
family's own key names) and expected.json: the logits, the representation, the
embeddings module's output, and spectra, all from an independent float64
implementation written from transformers' modeling code:

  deit                    DeiTForImageClassification ([CLS] head, distillation token)
  deit-teacher            DeiTForImageClassificationWithTeacher (mean of two heads), no prefix
  dinov2                  Dinov2ForImageClassification: layer scale, MLP, [CLS ; patch mean],
                          position embeddings interpolated 6x6 -> 4x4 (bicubic, no antialias)
  dinov2-registers        Dinov2WithRegistersForImageClassification: SwiGLU, 2 registers
                          (excluded from the patch mean), antialiased bicubic 6x6 -> 4x4
  beit                    BeitForImageClassification: relative position bias per layer,
                          layer scale, key without bias, mean pooling
  beit-shared             shared relative position bias, absolute positions, [CLS] pooling,
                          no layer scale
  clip-classifier         CLIPForImageClassification: pre-layernorm, quick GELU, mean of the
                          last hidden state's patch rows
  clip-vision-projection  CLIPVisionModelWithProjection: the image embedding only
  clip-zero-shot          CLIPModel: both towers, both projections, logit_scale and a tokenizer.json;
                          the logits are exp(logit_scale) x the cosine of the image embedding with each
                          prompt "a photo of a {label}" (labels cat, dog, bird), the text tower causal and
                          pooled at the end-of-text token

Spectra: the eigenvalues of J J^T for the logits' Jacobian and the
representation's, in pixel space (intensities in [0, 1]) and in embedding space,
J by central finite differences of the float64 forward pass (step 1e-5).

Run:  python3 src/test/python/make_family_fixtures.py   (numpy only; deterministic)
"""

import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_vit_fixtures import (FIXTURES, gelu_exact, layer_norm, read_png,  # noqa: E402
                               read_safetensors, softmax, write_png, write_safetensors)


def quick_gelu(x):
    return x / (1.0 + np.exp(-1.702 * x))


def silu(x):
    return x / (1.0 + np.exp(-x))


ACTS = {"gelu": gelu_exact, "quick_gelu": quick_gelu}


def lin(x, W, name, bias=True):
    y = x @ W[name + ".weight"].T
    if bias and (name + ".bias") in W:
        y = y + W[name + ".bias"]
    return y


def patches_of(pv, weight, bias, p):
    c, h, w = pv.shape
    g = h // p
    flat = pv.reshape(c, g, p, g, p).transpose(1, 3, 0, 2, 4).reshape(g * g, c * p * p)
    tok = flat @ weight.reshape(weight.shape[0], -1).T
    return tok if bias is None else tok + bias


def attention(x, W, names, nh, key_bias=True, rel_bias=None):
    """names: (query, key, value, out) module names. rel_bias: (nh, T, T) or None."""
    t, d = x.shape
    hd = d // nh
    split = lambda z: z.reshape(t, nh, hd).transpose(1, 0, 2)
    q = split(lin(x, W, names[0]))
    k = split(lin(x, W, names[1], bias=key_bias))
    v = split(lin(x, W, names[2]))
    scores = q @ k.transpose(0, 2, 1) / math.sqrt(hd)
    if rel_bias is not None:
        scores = scores + rel_bias
    ctx = (softmax(scores) @ v).transpose(1, 0, 2).reshape(t, d)
    return lin(ctx, W, names[3])


# --- position embedding interpolation, as torch.nn.functional.interpolate(mode="bicubic",
#     align_corners=False) computes it, with and without antialias ------------------------

def _cubic_plain(n_in, n_out):
    a = -0.75
    c1 = lambda x: ((a + 2) * x - (a + 3)) * x * x + 1
    c2 = lambda x: ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    M = np.zeros((n_out, n_in))
    scale = n_in / n_out
    for i in range(n_out):
        src = scale * (i + 0.5) - 0.5
        f = math.floor(src)
        t = src - f
        for off, w in zip((-1, 0, 1, 2), (c2(t + 1), c1(t), c1(1 - t), c2(2 - t))):
            M[i, min(max(f + off, 0), n_in - 1)] += w
    return M


def _cubic_antialias(n_in, n_out):
    a = -0.5

    def f(x):
        x = abs(x)
        if x < 1:
            return ((a + 2) * x - (a + 3)) * x * x + 1
        if x < 2:
            return (((x - 5) * x + 8) * x - 4) * a
        return 0.0

    scale = n_in / n_out
    support = 2 * scale if scale >= 1 else 2.0
    inv = 1 / scale if scale >= 1 else 1.0
    M = np.zeros((n_out, n_in))
    for i in range(n_out):
        center = scale * (i + 0.5)
        lo = max(int(center - support + 0.5), 0)
        hi = min(int(center + support + 0.5), n_in)
        ws = np.array([f((j - center + 0.5) * inv) for j in range(lo, hi)])
        M[i, lo:hi] = ws / ws.sum()
    return M


def interpolate(grid, n_out, antialias):
    """grid: (g, g, d) -> (n_out, n_out, d), separably along height then width."""
    M = (_cubic_antialias if antialias else _cubic_plain)(grid.shape[0], n_out)
    return np.einsum("ij,jkd->ikd", M, np.einsum("kl,jld->jkd", M, grid))


# --- BEiT's relative position index (BeitRelativePositionBias) -------------------------------

def relative_position_index(g):
    num_relative_distance = (2 * g - 1) * (2 * g - 1) + 3
    coords = np.stack(np.meshgrid(np.arange(g), np.arange(g), indexing="ij")).reshape(2, -1)
    rel = (coords[:, :, None] - coords[:, None, :]).transpose(1, 2, 0).copy()
    rel[:, :, 0] += g - 1
    rel[:, :, 1] += g - 1
    rel[:, :, 0] *= 2 * g - 1
    idx = np.zeros((g * g + 1,) * 2, dtype=np.int64)
    idx[1:, 1:] = rel.sum(-1)
    idx[0, 0:] = num_relative_distance - 3
    idx[0:, 0] = num_relative_distance - 2
    idx[0, 0] = num_relative_distance - 1
    return idx


def rel_bias_of(table, g):
    idx = relative_position_index(g)
    t = g * g + 1
    return table[idx.reshape(-1)].reshape(t, t, -1).transpose(2, 0, 1)


# --- the families ---------------------------------------------------------------------------

def embeddings(fam, pv, W, cfg):
    p = cfg["patch_size"]
    g = pv.shape[1] // p
    pre = fam["prefix"]
    kind = fam["kind"]
    if kind == "clip":
        e = pre + "embeddings."
        tok = patches_of(pv, W[e + "patch_embedding.weight"], None, p)
        seq = np.concatenate([W[e + "class_embedding"].reshape(1, -1), tok])
        return seq + W[e + "position_embedding.weight"]
    e = pre + "embeddings."
    tok = patches_of(pv, W[e + "patch_embeddings.projection.weight"],
                     W.get(e + "patch_embeddings.projection.bias"), p)
    rows = [W[e + "cls_token"].reshape(1, -1)]
    if kind == "deit":
        rows.append(W[e + "distillation_token"].reshape(1, -1))
    seq = np.concatenate(rows + [tok])
    if (e + "position_embeddings") in W:
        pos = W[e + "position_embeddings"][0]
        lead = len(rows)
        table_grid = int(round(math.sqrt(pos.shape[0] - lead)))
        if table_grid != g:  # DINOv2's interpolate_pos_encoding
            grid = pos[lead:].reshape(table_grid, table_grid, -1)
            pos = np.concatenate([pos[:lead], interpolate(grid, g, fam.get("antialias", False)).reshape(g * g, -1)])
        seq = seq + pos
    if kind == "dinov2" and cfg.get("num_register_tokens", 0):
        seq = np.concatenate([seq[:1], W[e + "register_tokens"][0], seq[1:]])
    return seq


def encoder(fam, emb, W, cfg):
    kind = fam["kind"]
    pre = fam["prefix"]
    eps = cfg["layer_norm_eps"]
    nh = cfg["num_attention_heads"]
    act = ACTS[cfg["hidden_act"]]
    h = emb
    if kind == "clip":
        h = layer_norm(h, W[pre + "pre_layrnorm.weight"], W[pre + "pre_layrnorm.bias"], eps)
    g = int(round(math.sqrt(cfg["_grid_tokens"])))
    shared = None
    if kind == "beit" and cfg.get("use_shared_relative_position_bias"):
        shared = rel_bias_of(W[pre + "encoder.relative_position_bias.relative_position_bias_table"], g)
    for i in range(cfg["num_hidden_layers"]):
        if kind == "clip":
            lp = "%sencoder.layers.%d." % (pre, i)
            x = layer_norm(h, W[lp + "layer_norm1.weight"], W[lp + "layer_norm1.bias"], eps)
            s = lp + "self_attn."
            h = h + attention(x, W, (s + "q_proj", s + "k_proj", s + "v_proj", s + "out_proj"), nh)
            x = layer_norm(h, W[lp + "layer_norm2.weight"], W[lp + "layer_norm2.bias"], eps)
            h = h + lin(act(lin(x, W, lp + "mlp.fc1")), W, lp + "mlp.fc2")
            continue
        lp = "%sencoder.layer.%d." % (pre, i)
        a = lp + "attention.attention."
        names = (a + "query", a + "key", a + "value", lp + "attention.output.dense")
        if kind == "dinov2":
            x = layer_norm(h, W[lp + "norm1.weight"], W[lp + "norm1.bias"], eps)
            h = h + attention(x, W, names, nh) * W[lp + "layer_scale1.lambda1"]
            x = layer_norm(h, W[lp + "norm2.weight"], W[lp + "norm2.bias"], eps)
            if cfg.get("use_swiglu_ffn"):
                u = lin(x, W, lp + "mlp.weights_in")
                x1, x2 = np.split(u, 2, axis=-1)
                m = lin(silu(x1) * x2, W, lp + "mlp.weights_out")
            else:
                m = lin(act(lin(x, W, lp + "mlp.fc1")), W, lp + "mlp.fc2")
            h = h + m * W[lp + "layer_scale2.lambda1"]
            continue
        x = layer_norm(h, W[lp + "layernorm_before.weight"], W[lp + "layernorm_before.bias"], eps)
        if kind == "beit":
            bias = shared
            if cfg.get("use_relative_position_bias"):
                bias = rel_bias_of(W[a + "relative_position_bias.relative_position_bias_table"], g)
            att = attention(x, W, names, nh, key_bias=False, rel_bias=bias)
            if (lp + "lambda_1") in W:
                att = att * W[lp + "lambda_1"]
        else:
            att = attention(x, W, names, nh)
        h = h + att
        x = layer_norm(h, W[lp + "layernorm_after.weight"], W[lp + "layernorm_after.bias"], eps)
        m = lin(act(lin(x, W, lp + "intermediate.dense")), W, lp + "output.dense")
        if (lp + "lambda_2") in W:
            m = m * W[lp + "lambda_2"]
        h = h + m
    return h


def head(fam, H, W, cfg):
    """(logits or None, representation)."""
    kind = fam["kind"]
    pre = fam["prefix"]
    eps = cfg["layer_norm_eps"]
    if kind == "clip":
        pooled = layer_norm(H[0], W[pre + "post_layernorm.weight"], W[pre + "post_layernorm.bias"], eps)
        if fam["arch"] == "CLIPVisionModelWithProjection":
            return None, pooled @ W["visual_projection.weight"].T
        if fam["arch"] == "CLIPModel":
            image = pooled @ W["visual_projection.weight"].T
            text = fam["text_embeddings"]  # (L, P), each normalised
            return math.exp(W["logit_scale"]) * (text @ (image / np.linalg.norm(image))), image
        return lin(H[1:].mean(0), W, "classifier"), pooled
    if kind == "beit":
        if cfg.get("use_mean_pooling", True):
            pooled = layer_norm(H[1:].mean(0), W[pre + "pooler.layernorm.weight"], W[pre + "pooler.layernorm.bias"],
                                eps)
        else:
            pooled = layer_norm(H, W[pre + "layernorm.weight"], W[pre + "layernorm.bias"], eps)[0]
        return lin(pooled, W, "classifier"), pooled
    seq = layer_norm(H, W[pre + "layernorm.weight"], W[pre + "layernorm.bias"], eps)
    if kind == "deit":
        if fam["arch"] == "DeiTForImageClassificationWithTeacher":
            return (lin(seq[0], W, "cls_classifier") + lin(seq[1], W, "distillation_classifier")) / 2, seq[0]
        return lin(seq[0], W, "classifier"), seq[0]
    # DINOv2: [CLS ; mean of the patch tokens], the registers excluded
    patches = seq[1 + cfg.get("num_register_tokens", 0):]
    return lin(np.concatenate([seq[0], patches.mean(0)]), W, "classifier"), seq[0]


# --- CLIP's text tower (CLIPTextTransformer), for the zero-shot prompts ------------------------

TEXT_VOCAB = ["<|startoftext|>", "<|endoftext|>", "a", "photo", "of", "cat", "dog", "bird", "<unk>"]


def clip_text_ids(prompt):
    return [0] + [TEXT_VOCAB.index(w) for w in prompt.lower().split()] + [1]


def clip_text_embedding(W, tcfg, ids):
    eps = tcfg["layer_norm_eps"]
    nh = tcfg["num_attention_heads"]
    t = len(ids)
    h = W["text_model.embeddings.token_embedding.weight"][ids] + W["text_model.embeddings.position_embedding.weight"][:t]
    causal = np.triu(np.full((t, t), -np.inf), k=1)  # _create_4d_causal_attention_mask
    d = h.shape[1]
    hd = d // nh
    for i in range(tcfg["num_hidden_layers"]):
        lp = "text_model.encoder.layers.%d." % i
        x = layer_norm(h, W[lp + "layer_norm1.weight"], W[lp + "layer_norm1.bias"], eps)
        split = lambda z: z.reshape(t, nh, hd).transpose(1, 0, 2)
        q = split(lin(x, W, lp + "self_attn.q_proj")) * hd ** -0.5
        k = split(lin(x, W, lp + "self_attn.k_proj"))
        v = split(lin(x, W, lp + "self_attn.v_proj"))
        ctx = (softmax(q @ k.transpose(0, 2, 1) + causal) @ v).transpose(1, 0, 2).reshape(t, d)
        h = h + lin(ctx, W, lp + "self_attn.out_proj")
        x = layer_norm(h, W[lp + "layer_norm2.weight"], W[lp + "layer_norm2.bias"], eps)
        h = h + lin(quick_gelu(lin(x, W, lp + "mlp.fc1")), W, lp + "mlp.fc2")
    h = layer_norm(h, W["text_model.final_layer_norm.weight"], W["text_model.final_layer_norm.bias"], eps)
    eos = tcfg["eos_token_id"]
    pos = int(np.argmax(ids)) if eos == 2 else ids.index(eos)  # the pooled token, as transformers picks it
    e = h[pos] @ W["text_projection.weight"].T
    return e / np.linalg.norm(e)


def text_weights(tcfg, proj, rng):
    d = tcfg["hidden_size"]
    inter = tcfg["intermediate_size"]
    rnd = lambda *shape, s=0.3: rng.normal(0.0, s, size=shape)
    W = {"text_model.embeddings.token_embedding.weight": rnd(tcfg["vocab_size"], d, s=0.5),
         "text_model.embeddings.position_embedding.weight": rnd(tcfg["max_position_embeddings"], d, s=0.5),
         "text_model.final_layer_norm.weight": 1 + rnd(d, s=0.1), "text_model.final_layer_norm.bias": rnd(d, s=0.1),
         "text_projection.weight": rnd(proj, d, s=0.4), "logit_scale": np.array(math.log(1 / 0.07))}
    for i in range(tcfg["num_hidden_layers"]):
        lp = "text_model.encoder.layers.%d." % i
        for n in ("q_proj", "k_proj", "v_proj", "out_proj"):
            W[lp + "self_attn.%s.weight" % n] = rnd(d, d, s=0.4)
            W[lp + "self_attn.%s.bias" % n] = rnd(d, s=0.2)
        for n in ("layer_norm1", "layer_norm2"):
            W[lp + n + ".weight"] = 1 + rnd(d, s=0.1)
            W[lp + n + ".bias"] = rnd(d, s=0.1)
        W[lp + "mlp.fc1.weight"] = rnd(inter, d, s=0.4)
        W[lp + "mlp.fc1.bias"] = rnd(inter, s=0.2)
        W[lp + "mlp.fc2.weight"] = rnd(d, inter, s=0.3)
        W[lp + "mlp.fc2.bias"] = rnd(d, s=0.2)
    return W


def clip_tokenizer_json():
    special = [{"id": i, "content": TEXT_VOCAB[i], "single_word": False, "lstrip": False, "rstrip": False,
                "normalized": False, "special": True} for i in (0, 1)]
    tok = lambda name: {"SpecialToken": {"id": name, "type_id": 0}}
    return {"version": "1.0", "truncation": None, "padding": None, "added_tokens": special,
            "normalizer": {"type": "Lowercase"}, "pre_tokenizer": {"type": "WhitespaceSplit"},
            "post_processor": {"type": "TemplateProcessing",
                               "single": [tok("<|startoftext|>"), {"Sequence": {"id": "A", "type_id": 0}},
                                          tok("<|endoftext|>")],
                               "pair": [tok("<|startoftext|>"), {"Sequence": {"id": "A", "type_id": 0}},
                                        tok("<|endoftext|>"), {"Sequence": {"id": "B", "type_id": 0}},
                                        tok("<|endoftext|>")],
                               "special_tokens": {n: {"id": n, "ids": [TEXT_VOCAB.index(n)], "tokens": [n]}
                                                  for n in ("<|startoftext|>", "<|endoftext|>")}},
            "decoder": None,
            "model": {"type": "WordLevel", "vocab": {w: i for i, w in enumerate(TEXT_VOCAB)}, "unk_token": "<unk>"}}


def readout(fam, emb, W, cfg):
    logits, rep = head(fam, encoder(fam, emb, W, cfg), W, cfg)
    return rep if logits is None else np.concatenate([logits, rep])


def normalise(x, mean, std):
    return (x - np.asarray(mean)[:, None, None]) / np.asarray(std)[:, None, None]


def jacobian(f, x0, step=1e-5):
    y0 = f(x0)
    J = np.zeros((y0.size, x0.size))
    flat = x0.reshape(-1)
    for i in range(flat.size):
        e = np.zeros_like(flat)
        e[i] = step
        J[:, i] = (f((flat + e).reshape(x0.shape)) - f((flat - e).reshape(x0.shape))) / (2 * step)
    return J


def spectrum(J):
    return sorted(np.linalg.eigvalsh(J @ J.T).tolist(), reverse=True)


# --- checkpoints ----------------------------------------------------------------------------

def weights_for(fam, cfg, rng):
    d = cfg["hidden_size"]
    c = cfg["num_channels"]
    p = cfg["patch_size"]
    nl = cfg["num_hidden_layers"]
    nh = cfg["num_attention_heads"]
    g = cfg["image_size"] // p
    kind = fam["kind"]
    pre = fam["prefix"]
    nlab = len(cfg.get("id2label", {}))
    rnd = lambda *shape, s=0.3: rng.normal(0.0, s, size=shape)
    lnw = lambda: 1.0 + rnd(d, s=0.1)
    W = {}
    if kind == "clip":
        e = pre + "embeddings."
        W[e + "class_embedding"] = rnd(d, s=0.5)
        W[e + "patch_embedding.weight"] = rnd(d, c, p, p)
        W[e + "position_embedding.weight"] = rnd(g * g + 1, d, s=0.5)
        W[pre + "pre_layrnorm.weight"] = lnw()
        W[pre + "pre_layrnorm.bias"] = rnd(d, s=0.1)
        inter = cfg["intermediate_size"]
        for i in range(nl):
            lp = "%sencoder.layers.%d." % (pre, i)
            for n in ("q_proj", "k_proj", "v_proj", "out_proj"):
                W[lp + "self_attn.%s.weight" % n] = rnd(d, d, s=0.4)
                W[lp + "self_attn.%s.bias" % n] = rnd(d, s=0.2)
            for n in ("layer_norm1", "layer_norm2"):
                W[lp + n + ".weight"] = lnw()
                W[lp + n + ".bias"] = rnd(d, s=0.1)
            W[lp + "mlp.fc1.weight"] = rnd(inter, d, s=0.4)
            W[lp + "mlp.fc1.bias"] = rnd(inter, s=0.2)
            W[lp + "mlp.fc2.weight"] = rnd(d, inter, s=0.3)
            W[lp + "mlp.fc2.bias"] = rnd(d, s=0.2)
        W[pre + "post_layernorm.weight"] = lnw()
        W[pre + "post_layernorm.bias"] = rnd(d, s=0.1)
        if fam["arch"] in ("CLIPVisionModelWithProjection", "CLIPModel"):
            W["visual_projection.weight"] = rnd(cfg["projection_dim"], d, s=0.4)
        else:
            W["classifier.weight"] = rnd(nlab, d, s=0.5)
            W["classifier.bias"] = rnd(nlab, s=0.2)
        return {k: v.astype(np.float32) for k, v in W.items()}
    e = pre + "embeddings."
    W[e + "cls_token"] = rnd(1, 1, d, s=0.5)
    lead = 1
    if kind == "deit":
        W[e + "distillation_token"] = rnd(1, 1, d, s=0.5)
        lead = 2
    if kind == "dinov2":
        W[e + "mask_token"] = np.zeros((1, d))
        if cfg.get("num_register_tokens", 0):
            W[e + "register_tokens"] = rnd(1, cfg["num_register_tokens"], d, s=0.5)
    if kind != "beit" or cfg.get("use_absolute_position_embeddings"):
        W[e + "position_embeddings"] = rnd(1, g * g + lead, d, s=0.5)
    W[e + "patch_embeddings.projection.weight"] = rnd(d, c, p, p)
    W[e + "patch_embeddings.projection.bias"] = rnd(d, s=0.3)
    distances = (2 * g - 1) ** 2 + 3
    if kind == "beit" and cfg.get("use_shared_relative_position_bias"):
        W[pre + "encoder.relative_position_bias.relative_position_bias_table"] = rnd(distances, nh, s=0.5)
    if kind == "dinov2":
        inter = int(d * cfg["mlp_ratio"])
        if cfg.get("use_swiglu_ffn"):
            inter = (int(inter * 2 / 3) + 7) // 8 * 8
    else:
        inter = cfg["intermediate_size"]
    for i in range(nl):
        lp = "%sencoder.layer.%d." % (pre, i)
        a = lp + "attention.attention."
        for n in ("query", "key", "value"):
            W[a + n + ".weight"] = rnd(d, d, s=0.4)
            if not (kind == "beit" and n == "key"):
                W[a + n + ".bias"] = rnd(d, s=0.2)
        W[lp + "attention.output.dense.weight"] = rnd(d, d, s=0.3)
        W[lp + "attention.output.dense.bias"] = rnd(d, s=0.2)
        if kind == "dinov2":
            for n in ("norm1", "norm2"):
                W[lp + n + ".weight"] = lnw()
                W[lp + n + ".bias"] = rnd(d, s=0.1)
            W[lp + "layer_scale1.lambda1"] = 1.0 + rnd(d, s=0.3)
            W[lp + "layer_scale2.lambda1"] = 1.0 + rnd(d, s=0.3)
            if cfg.get("use_swiglu_ffn"):
                W[lp + "mlp.weights_in.weight"] = rnd(2 * inter, d, s=0.4)
                W[lp + "mlp.weights_in.bias"] = rnd(2 * inter, s=0.2)
                W[lp + "mlp.weights_out.weight"] = rnd(d, inter, s=0.3)
                W[lp + "mlp.weights_out.bias"] = rnd(d, s=0.2)
            else:
                W[lp + "mlp.fc1.weight"] = rnd(inter, d, s=0.4)
                W[lp + "mlp.fc1.bias"] = rnd(inter, s=0.2)
                W[lp + "mlp.fc2.weight"] = rnd(d, inter, s=0.3)
                W[lp + "mlp.fc2.bias"] = rnd(d, s=0.2)
            continue
        for n in ("layernorm_before", "layernorm_after"):
            W[lp + n + ".weight"] = lnw()
            W[lp + n + ".bias"] = rnd(d, s=0.1)
        W[lp + "intermediate.dense.weight"] = rnd(inter, d, s=0.4)
        W[lp + "intermediate.dense.bias"] = rnd(inter, s=0.2)
        W[lp + "output.dense.weight"] = rnd(d, inter, s=0.3)
        W[lp + "output.dense.bias"] = rnd(d, s=0.2)
        if kind == "beit":
            if cfg.get("layer_scale_init_value", 0.1) > 0:
                W[lp + "lambda_1"] = 0.5 + rnd(d, s=0.3)
                W[lp + "lambda_2"] = 0.5 + rnd(d, s=0.3)
            if cfg.get("use_relative_position_bias"):
                W[a + "relative_position_bias.relative_position_bias_table"] = rnd(distances, nh, s=0.5)
    if kind == "beit" and cfg.get("use_mean_pooling", True):
        W[pre + "pooler.layernorm.weight"] = lnw()
        W[pre + "pooler.layernorm.bias"] = rnd(d, s=0.1)
    else:
        W[pre + "layernorm.weight"] = lnw()
        W[pre + "layernorm.bias"] = rnd(d, s=0.1)
    width = 2 * d if kind == "dinov2" else d
    if fam["arch"] == "DeiTForImageClassificationWithTeacher":
        for n in ("cls_classifier", "distillation_classifier"):
            W[n + ".weight"] = rnd(nlab, d, s=0.5)
            W[n + ".bias"] = rnd(nlab, s=0.2)
    else:
        W["classifier.weight"] = rnd(nlab, width, s=0.5)
        W["classifier.bias"] = rnd(nlab, s=0.2)
    return {k: v.astype(np.float32) for k, v in W.items()}


LABELS = ["ant", "bee", "cat", "dog"]
MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]


def base_config(model_type, arch, **fields):
    cfg = {
        "architectures": [arch],
        "model_type": model_type,
        "hidden_size": 12,
        "num_hidden_layers": 2,
        "num_attention_heads": 3,
        "intermediate_size": 20,
        "hidden_act": "gelu",
        "layer_norm_eps": 1e-12,
        "image_size": 12,
        "patch_size": 3,
        "num_channels": 3,
        "id2label": {str(i): l for i, l in enumerate(LABELS)},
        "label2id": {l: i for i, l in enumerate(LABELS)},
        "torch_dtype": "float32",
        "transformers_version": "4.52.0",
    }
    cfg.update(fields)
    return cfg


VARIANTS = [
    ("deit", dict(kind="deit", prefix="deit.", arch="DeiTForImageClassification"),
     base_config("deit", "DeiTForImageClassification")),
    ("deit-teacher", dict(kind="deit", prefix="", arch="DeiTForImageClassificationWithTeacher"),
     base_config("deit", "DeiTForImageClassificationWithTeacher")),
    ("dinov2", dict(kind="dinov2", prefix="dinov2.", arch="Dinov2ForImageClassification", antialias=False),
     base_config("dinov2", "Dinov2ForImageClassification", image_size=18, mlp_ratio=2.0, layer_norm_eps=1e-6,
                 layerscale_value=1.0, use_swiglu_ffn=False, qkv_bias=True, use_mask_token=True)),
    ("dinov2-registers", dict(kind="dinov2", prefix="dinov2_with_registers.",
                              arch="Dinov2WithRegistersForImageClassification", antialias=True),
     base_config("dinov2_with_registers", "Dinov2WithRegistersForImageClassification", image_size=18,
                 mlp_ratio=2.5, layer_norm_eps=1e-6, layerscale_value=1.0, use_swiglu_ffn=True,
                 num_register_tokens=2, qkv_bias=True)),
    ("beit", dict(kind="beit", prefix="beit.", arch="BeitForImageClassification"),
     base_config("beit", "BeitForImageClassification", use_relative_position_bias=True,
                 use_shared_relative_position_bias=False, use_absolute_position_embeddings=False,
                 layer_scale_init_value=0.1, use_mean_pooling=True, use_mask_token=False)),
    ("beit-shared", dict(kind="beit", prefix="beit.", arch="BeitForImageClassification"),
     base_config("beit", "BeitForImageClassification", use_relative_position_bias=False,
                 use_shared_relative_position_bias=True, use_absolute_position_embeddings=True,
                 layer_scale_init_value=0.0, use_mean_pooling=False)),
    ("clip-classifier", dict(kind="clip", prefix="vision_model.", arch="CLIPForImageClassification"),
     None),
    ("clip-vision-projection", dict(kind="clip", prefix="vision_model.", arch="CLIPVisionModelWithProjection"),
     None),
    ("clip-zero-shot", dict(kind="clip", prefix="vision_model.", arch="CLIPModel"), None),
]

TEXT_CONFIG = {"model_type": "clip_text_model", "hidden_size": 10, "intermediate_size": 16, "num_attention_heads": 2,
               "num_hidden_layers": 2, "max_position_embeddings": 12, "hidden_act": "quick_gelu",
               "layer_norm_eps": 1e-5, "vocab_size": len(TEXT_VOCAB), "eos_token_id": 1, "bos_token_id": 0,
               "pad_token_id": 1}
ZERO_SHOT_LABELS = ["cat", "dog", "bird"]


def clip_config(arch):
    vision = {"hidden_size": 12, "num_hidden_layers": 2, "num_attention_heads": 3, "intermediate_size": 20,
              "hidden_act": "quick_gelu", "layer_norm_eps": 1e-5, "image_size": 12, "patch_size": 3,
              "num_channels": 3}
    if arch == "CLIPModel":
        cfg = {"architectures": [arch], "model_type": "clip", "projection_dim": 6, "logit_scale_init_value": 2.6592,
               "vision_config": dict(vision, model_type="clip_vision_model"), "text_config": TEXT_CONFIG,
               "transformers_version": "4.52.0"}
        return cfg, vision
    if arch == "CLIPForImageClassification":
        cfg = {"architectures": [arch], "model_type": "clip", "projection_dim": 8,
               "vision_config": dict(vision, model_type="clip_vision_model"),
               "text_config": {"model_type": "clip_text_model", "hidden_size": 8},
               "id2label": {str(i): l for i, l in enumerate(LABELS)},
               "label2id": {l: i for i, l in enumerate(LABELS)}, "transformers_version": "4.52.0"}
        return cfg, vision
    cfg = dict(vision, architectures=[arch], model_type="clip_vision_model", projection_dim=7,
               transformers_version="4.52.0")
    return cfg, cfg


def processor(fam, cfg):
    kind = fam["kind"]
    size = 12
    if kind == "clip":
        return {"image_processor_type": "CLIPImageProcessor", "do_resize": True, "size": {"shortest_edge": size},
                "resample": 3, "do_center_crop": True, "crop_size": {"height": size, "width": size},
                "do_rescale": True, "rescale_factor": 1 / 255, "do_normalize": True,
                "image_mean": [0.48145466, 0.4578275, 0.40821073], "image_std": [0.26862954, 0.26130258, 0.27577711],
                "do_convert_rgb": True}
    return {"image_processor_type": "BitImageProcessor" if kind == "dinov2" else "ViTImageProcessor",
            "do_resize": True, "size": {"shortest_edge": size} if kind == "dinov2" else {"height": size, "width": size},
            "resample": 3 if kind == "dinov2" else 2, "do_center_crop": kind == "dinov2",
            "crop_size": {"height": size, "width": size}, "do_rescale": True, "rescale_factor": 1 / 255,
            "do_normalize": True, "image_mean": MEAN, "image_std": STD}


def build(name, fam, cfg, img, seed):
    out = os.path.join(FIXTURES, "family-" + name)
    os.makedirs(out, exist_ok=True)
    if cfg is None:
        cfg, vision = clip_config(fam["arch"])
    else:
        vision = cfg
    vision["_grid_tokens"] = (12 // vision["patch_size"]) ** 2
    wcfg = dict(vision, id2label=cfg.get("id2label", {}), projection_dim=cfg.get("projection_dim", 0))
    rng = np.random.default_rng(seed)
    W32 = weights_for(fam, wcfg, rng)
    if fam["arch"] == "CLIPModel":
        W32.update({k: np.asarray(v, dtype=np.float32) for k, v in text_weights(TEXT_CONFIG, cfg["projection_dim"],
                                                                               rng).items()})
        with open(os.path.join(out, "tokenizer.json"), "w") as f:
            json.dump(clip_tokenizer_json(), f)
            f.write("\n")
    write_safetensors(os.path.join(out, "model.safetensors"), W32)
    back = read_safetensors(os.path.join(out, "model.safetensors"))
    assert sorted(back) == sorted(W32)
    written = {k: v for k, v in cfg.items() if not k.startswith("_")}
    if "vision_config" in written:
        written["vision_config"] = {k: v for k, v in written["vision_config"].items() if not k.startswith("_")}
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(written, f, indent=2)
        f.write("\n")
    pre = processor(fam, cfg)
    with open(os.path.join(out, "preprocessor_config.json"), "w") as f:
        json.dump(pre, f, indent=2)
        f.write("\n")

    W = {k: v.astype(np.float64) for k, v in back.items()}
    if fam["arch"] == "CLIPModel":
        fam["text_embeddings"] = np.stack([clip_text_embedding(W, TEXT_CONFIG, clip_text_ids("a photo of a " + l))
                                           for l in ZERO_SHOT_LABELS])
    mean, std = pre["image_mean"], pre["image_std"]
    x = img.astype(np.float64).transpose(2, 0, 1) / 255.0  # intensities in [0, 1], (C, H, W)
    emb = embeddings(fam, normalise(x, mean, std), W, vision)
    out_vec = readout(fam, emb, W, vision)
    nlab = {"CLIPVisionModelWithProjection": 0, "CLIPModel": len(ZERO_SHOT_LABELS)}.get(fam["arch"], len(LABELS))
    f_pix = lambda z: readout(fam, embeddings(fam, normalise(z, mean, std), W, vision), W, vision)
    f_emb = lambda e: readout(fam, e, W, vision)
    spectra = {}
    for space, f, x0 in (("pixels", f_pix, x), ("embeddings", f_emb, emb)):
        J = jacobian(f, x0)
        if nlab:
            spectra[space + "_logits"] = spectrum(J[:nlab])
        spectra[space + "_representation"] = spectrum(J[nlab:])[:6]
    expected = {
        "input": "rgb12.png",
        "architecture": fam["arch"],
        "labels": ZERO_SHOT_LABELS if fam["arch"] == "CLIPModel" else cfg.get("id2label") and LABELS or [],
        "logits": out_vec[:nlab].tolist(),
        "representation": out_vec[nlab:].tolist(),
        "embeddings_shape": list(emb.shape),
        "embeddings": emb.reshape(-1).tolist(),
        "spectra": spectra,
    }
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f)
        f.write("\n")
    print("%-24s logits %s  top eigenvalue (pixels) %.6g" % (
        name, np.array2string(out_vec[:nlab], precision=5), (spectra.get("pixels_logits")
                                                             or spectra["pixels_representation"])[0]))


def main():
    rng = np.random.default_rng(20261202)
    img = rng.integers(0, 256, size=(12, 12, 3), dtype=np.uint8)
    path = os.path.join(FIXTURES, "rgb12.png")
    write_png(path, img)
    assert np.array_equal(read_png(path), img)
    # the interpolation kernels against closed forms: the identity at equal sizes, rows summing to one
    for aa in (False, True):
        M = (_cubic_antialias if aa else _cubic_plain)(6, 6)
        assert np.allclose(M, np.eye(6)), "interpolation at equal size must be the identity"
        assert np.allclose((_cubic_antialias if aa else _cubic_plain)(6, 4).sum(1), 1)
    for i, (name, fam, cfg) in enumerate(VARIANTS):
        build(name, fam, None if cfg is None else json.loads(json.dumps(cfg)), img, 100 + i)


if __name__ == "__main__":
    main()
