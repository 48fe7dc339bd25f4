package org.leafwalk.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import org.leafwalk.io.JsonFiles;

/** config.json and preprocessor_config.json of a vision model, written as transformers writes them per family. */
final class VisionConfigFiles {
    private VisionConfigFiles() {}

    static void write(VitConfig c, Path dir) {
        VisionArch a = c.arch();
        JsonObject v = new JsonObject();
        v.addProperty("hidden_size", c.hiddenSize());
        v.addProperty("num_hidden_layers", c.numLayers());
        v.addProperty("num_attention_heads", c.numHeads());
        if (a.family().startsWith("dinov2")) {
            // DINOv2 states its MLP as a ratio; SwiGLU's width follows from it (a nominal 4d gives 8d/3 rounded)
            int nominal = a.swiglu() ? c.intermediateSize() * 3 / 2 : c.intermediateSize();
            double ratio = (double) nominal / c.hiddenSize();
            while ((int) (c.hiddenSize() * ratio) < nominal) { // transformers truncates hidden × ratio
                ratio = Math.nextUp(ratio);
            }
            v.addProperty("mlp_ratio", ratio);
            v.addProperty("layerscale_value", 1.0);
            v.addProperty("use_swiglu_ffn", a.swiglu());
            v.addProperty("use_mask_token", false);
            v.addProperty("qkv_bias", true);
            if (a.registers() > 0) {
                v.addProperty("num_register_tokens", a.registers());
            }
        } else {
            v.addProperty("intermediate_size", c.intermediateSize());
        }
        if (a.family().equals("beit")) {
            v.addProperty("use_relative_position_bias", a.relativeBias() == VisionArch.RelativeBias.PER_LAYER);
            v.addProperty("use_shared_relative_position_bias", a.relativeBias() == VisionArch.RelativeBias.SHARED);
            v.addProperty("use_absolute_position_embeddings", a.absolutePositions());
            v.addProperty("layer_scale_init_value", a.layerScale() ? 0.1 : 0.0);
            v.addProperty("use_mean_pooling", a.representation().pool() == VisionArch.Pool.NORM_OF_MEAN);
            v.addProperty("use_mask_token", false);
        }
        v.addProperty("hidden_act", c.hiddenAct());
        v.addProperty("hidden_dropout_prob", 0.0);
        v.addProperty("attention_probs_dropout_prob", 0.0);
        v.addProperty("layer_norm_eps", c.layerNormEps());
        v.addProperty("image_size", c.imageSize());
        v.addProperty("patch_size", c.patchSize());
        v.addProperty("num_channels", c.numChannels());
        if (a.family().equals("vit") || a.family().equals("deit")) {
            v.addProperty("qkv_bias", true);
        }
        JsonObject top = v;
        if (a.family().equals("clip")) { // CLIPForImageClassification and CLIPModel keep the tower in vision_config
            top = new JsonObject();
            v.addProperty("model_type", "clip_vision_model");
            top.add("vision_config", v);
            top.addProperty("projection_dim", c.hiddenSize());
            if (a.zeroShot()) {
                top.add("text_config", ClipTextTower.randomConfig(c));
                top.addProperty("logit_scale_init_value", 2.6592);
            }
        }
        if (a.projection() > 0) {
            top.addProperty("projection_dim", a.projection());
        }
        top.addProperty("model_type", a.family());
        JsonArray arch = new JsonArray();
        arch.add(a.architecture());
        top.add("architectures", arch);
        if (a.hasClassifier() && !a.zeroShot()) {
            JsonObject id2label = new JsonObject();
            JsonObject label2id = new JsonObject();
            for (int i = 0; i < c.labels().size(); i++) {
                id2label.addProperty(Integer.toString(i), c.labels().get(i));
                label2id.addProperty(c.labels().get(i), i);
            }
            top.add("id2label", id2label);
            top.add("label2id", label2id);
        }
        JsonFiles.write(dir.resolve("config.json"), top);

        JsonObject pre = new JsonObject();
        pre.addProperty("image_processor_type", a.family().startsWith("clip") ? "CLIPImageProcessor"
                : a.family().startsWith("dinov2") ? "BitImageProcessor" : "ViTImageProcessor");
        pre.addProperty("do_rescale", true);
        pre.addProperty("rescale_factor", 1 / 255.0);
        pre.addProperty("do_normalize", true);
        JsonArray mean = new JsonArray();
        JsonArray std = new JsonArray();
        for (int i = 0; i < c.numChannels(); i++) {
            mean.add(c.imageMean()[i]);
            std.add(c.imageStd()[i]);
        }
        pre.add("image_mean", mean);
        pre.add("image_std", std);
        pre.addProperty("do_resize", true);
        JsonObject size = new JsonObject();
        size.addProperty("height", c.imageSize());
        size.addProperty("width", c.imageSize());
        pre.add("size", size);
        // stated, not left to the class: CLIPImageProcessor and BitImageProcessor default to bicubic and a 224 crop
        pre.addProperty("resample", Resample.BILINEAR.pillowId);
        pre.addProperty("do_center_crop", false);
        JsonFiles.write(dir.resolve("preprocessor_config.json"), pre);
    }
}
