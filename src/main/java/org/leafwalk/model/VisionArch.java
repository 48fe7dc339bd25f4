package org.leafwalk.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.leafwalk.io.InvalidInputException;

/**
 * What sets one plain-ViT family apart from ViT, read from config.json as transformers' modeling code reads it: the
 * prefix tokens (DeiT's distillation token, DINOv2's registers), the block's parts (layer scale, SwiGLU feed-forward,
 * BEiT's relative position bias and key without bias, CLIP's layer norm before the encoder) and the head (which
 * rows of the last hidden state, normalised how, feed the classifier and the representation).
 *
 * @param family the config's model_type (vit, deit, dinov2, dinov2_with_registers, beit, clip_vision_model)
 * @param architecture the transformers class the checkpoint is for
 * @param prefix the base model's key prefix in a checkpoint (vit., deit., dinov2., beit., vision_model.)
 * @param distillationToken DeiT's second prefix token, after [CLS], with its own position embedding
 * @param registers DINOv2's register tokens, after [CLS], without position embeddings
 * @param relativeBias BEiT's relative position bias: none, one table per layer, or one shared table
 * @param absolutePositions whether the embeddings add position embeddings (BEiT may not)
 * @param keyBias whether the key projection has a bias (BEiT's has none)
 * @param preNorm CLIP's pre_layrnorm between the embeddings and the encoder
 * @param logits the pooled features the classifier reads, in its input's order; empty without a classifier
 * @param logitScale what the classifiers' outputs are multiplied by (DeiT's teacher model averages two heads)
 * @param representation the pooled feature shown as the model's representation
 * @param projection the representation's projection width (CLIP's visual projection), 0 for none
 * @param positionGrid the side of the position embeddings' patch grid in the checkpoint (config image_size / patch)
 */
public record VisionArch(String family, String architecture, String prefix, boolean distillationToken, int registers,
        boolean swiglu, boolean layerScale, RelativeBias relativeBias, boolean absolutePositions, boolean keyBias,
        boolean preNorm, List<Feature> logits, double logitScale, Feature representation, int projection,
        int positionGrid) {

    public enum RelativeBias { NONE, PER_LAYER, SHARED }

    /** How a feature reads the last hidden state's rows. */
    public enum Pool {
        /** one row, through the head's layer norm */
        ROW,
        /** the mean of the head's layer norm over the patch rows (DINOv2's classifier input) */
        MEAN_OF_NORMED,
        /** the head's layer norm of the patch rows' mean (BEiT's mean pooling) */
        NORM_OF_MEAN,
        /** the patch rows' mean as it is (CLIPForImageClassification) */
        MEAN,
        /**
         * CLIP's zero-shot logits: exp(logit_scale) × the cosine of the image embedding (the representation) with
         * each label prompt's text embedding
         */
        ZERO_SHOT
    }

    /** One pooled feature (hidden-size wide); {@code row} for {@link Pool#ROW}. */
    public record Feature(Pool pool, int row) {
        static Feature row(int r) {
            return new Feature(Pool.ROW, r);
        }

        static Feature of(Pool p) {
            return new Feature(p, -1);
        }
    }

    /** The model types this engine opens for images. */
    public static final List<String> FAMILIES = List.of("vit", "deit", "dinov2", "dinov2_with_registers", "beit",
            "clip_vision_model", "clip");

    public VisionArch {
        logits = List.copyOf(logits);
    }

    /** Plain ViTForImageClassification. */
    public static VisionArch vit() {
        return new VisionArch("vit", "ViTForImageClassification", "vit.", false, 0, false, false, RelativeBias.NONE,
                true, true, false, List.of(Feature.row(0)), 1, Feature.row(0), 0, 0);
    }

    /** The variants {@code init-vit --family} writes. */
    public static final List<String> VARIANTS = List.of("vit", "vit-backbone", "deit", "deit-teacher", "dinov2",
            "dinov2-swiglu", "dinov2-registers", "beit", "beit-shared", "clip", "clip-vision", "clip-zero-shot");

    /** A variant's parts for a new checkpoint whose patch grid is {@code grid} on a side. */
    public static VisionArch variant(String name, int grid, int hidden) {
        List<Feature> cls = List.of(Feature.row(0));
        Feature mean = Feature.of(Pool.NORM_OF_MEAN);
        List<Feature> dino = List.of(Feature.row(0), Feature.of(Pool.MEAN_OF_NORMED));
        return switch (name) {
            case "vit" -> vit();
            case "vit-backbone" -> new VisionArch("vit", "ViTModel", "vit.", false, 0, false, false, RelativeBias.NONE,
                    true, true, false, List.of(), 1, Feature.row(0), 0, 0);
            case "deit" -> new VisionArch("deit", "DeiTForImageClassification", "deit.", true, 0, false, false,
                    RelativeBias.NONE, true, true, false, cls, 1, Feature.row(0), 0, grid);
            case "deit-teacher" -> new VisionArch("deit", "DeiTForImageClassificationWithTeacher", "deit.", true, 0,
                    false, false, RelativeBias.NONE, true, true, false, List.of(Feature.row(0), Feature.row(1)), 0.5,
                    Feature.row(0), 0, grid);
            case "dinov2", "dinov2-swiglu" -> new VisionArch("dinov2", "Dinov2ForImageClassification", "dinov2.",
                    false, 0, name.endsWith("swiglu"), true, RelativeBias.NONE, true, true, false, dino, 1,
                    Feature.row(0), 0, grid);
            case "dinov2-registers" -> new VisionArch("dinov2_with_registers",
                    "Dinov2WithRegistersForImageClassification", "dinov2_with_registers.", false, 4, false, true,
                    RelativeBias.NONE, true, true, false, dino, 1, Feature.row(0), 0, grid);
            case "beit" -> new VisionArch("beit", "BeitForImageClassification", "beit.", false, 0, false, true,
                    RelativeBias.PER_LAYER, false, false, false, List.of(mean), 1, mean, 0, grid);
            case "beit-shared" -> new VisionArch("beit", "BeitForImageClassification", "beit.", false, 0, false, false,
                    RelativeBias.SHARED, true, false, false, cls, 1, Feature.row(0), 0, grid);
            case "clip" -> new VisionArch("clip", "CLIPForImageClassification", "vision_model.", false, 0, false,
                    false, RelativeBias.NONE, true, true, true, List.of(Feature.of(Pool.MEAN)), 1, Feature.row(0), 0,
                    grid);
            case "clip-vision" -> new VisionArch("clip_vision_model", "CLIPVisionModelWithProjection",
                    "vision_model.", false, 0, false, false, RelativeBias.NONE, true, true, true, List.of(), 1,
                    Feature.row(0), hidden, grid);
            case "clip-zero-shot" -> new VisionArch("clip", "CLIPModel", "vision_model.", false, 0, false, false,
                    RelativeBias.NONE, true, true, true, List.of(Feature.of(Pool.ZERO_SHOT)), 1, Feature.row(0),
                    hidden, grid);
            default -> throw new InvalidInputException("--family " + name + " is not one of "
                    + String.join(", ", VARIANTS));
        };
    }

    /** The prefix tokens before the patches: [CLS], the distillation token, the registers. */
    public int prefixTokens() {
        return 1 + (distillationToken ? 1 : 0) + registers;
    }

    /** The prefix tokens that carry position embeddings ([CLS] and DeiT's distillation token). */
    public int positionedPrefix() {
        return distillationToken ? 2 : 1;
    }

    public boolean hasClassifier() {
        return !logits.isEmpty();
    }

    /** Whether the logits are CLIP's zero-shot cosines over label prompts (a whole CLIPModel folder). */
    public boolean zeroShot() {
        return logits.size() == 1 && logits.get(0).pool() == Pool.ZERO_SHOT;
    }

    /** How many rows of the last block's output the head reads: the prefix rows it names, or every row. */
    int headRows(int tokens) {
        int rows = 0;
        for (Feature f : features()) {
            if (f.pool() == Pool.ZERO_SHOT) {
                continue; // read through the representation
            }
            if (f.pool() != Pool.ROW) {
                return tokens;
            }
            rows = Math.max(rows, f.row() + 1);
        }
        return rows;
    }

    List<Feature> features() {
        java.util.List<Feature> all = new java.util.ArrayList<>(logits);
        all.add(representation);
        return all;
    }

    /** The transformers classes Leafwalk opens, for messages. */
    static String opens() {
        return "ViTForImageClassification, DeiTForImageClassification(WithTeacher), Dinov2ForImageClassification "
                + "(with registers), BeitForImageClassification, CLIPForImageClassification, "
                + "CLIPVisionModelWithProjection, CLIPModel (zero-shot over label prompts), and ViTModel without a "
                + "classifier";
    }

    /**
     * The family of a vision config.json ({@code c}; for CLIP, {@code v} is its vision_config). Fields the engine
     * does not run are refused by name.
     */
    static VisionArch read(JsonObject c, JsonObject v, Path file, String type, int image, int patch) {
        String arch = architecture(c, file);
        refuseForeignFields(v, file, type);
        int grid = image / patch;
        return switch (type) {
            case "vit" -> {
                if (arch.equals("ViTModel")) { // the backbone alone: its pooler is not read, the [CLS] state is
                    yield new VisionArch("vit", arch, "vit.", false, 0, false, false, RelativeBias.NONE, true, true,
                            false, List.of(), 1, Feature.row(0), 0, 0);
                }
                if (!arch.isEmpty() && !arch.equals("ViTForImageClassification")) {
                    throw unsupported(file, type, arch);
                }
                yield vit();
            }
            case "deit" -> {
                boolean teacher = arch.equals("DeiTForImageClassificationWithTeacher");
                if (!teacher && !arch.isEmpty() && !arch.equals("DeiTForImageClassification")) {
                    throw unsupported(file, type, arch);
                }
                List<Feature> logits = teacher ? List.of(Feature.row(0), Feature.row(1)) : List.of(Feature.row(0));
                yield new VisionArch("deit", teacher ? arch : "DeiTForImageClassification", "deit.", true, 0, false,
                        false, RelativeBias.NONE, true, true, false, logits, teacher ? 0.5 : 1, Feature.row(0), 0,
                        grid);
            }
            case "dinov2", "dinov2_with_registers" -> {
                boolean registers = type.equals("dinov2_with_registers");
                String expect = registers ? "Dinov2WithRegistersForImageClassification" : "Dinov2ForImageClassification";
                if (!arch.isEmpty() && !arch.equals(expect)) {
                    throw unsupported(file, type, arch);
                }
                int r = registers ? VitConfig.intField(c, file, "num_register_tokens", 4) : 0;
                boolean swiglu = c.has("use_swiglu_ffn") && VitConfig.bool(c.get("use_swiglu_ffn"), file,
                        "use_swiglu_ffn");
                yield new VisionArch(type, expect, registers ? "dinov2_with_registers." : "dinov2.", false, r, swiglu,
                        true, RelativeBias.NONE, true, qkvBias(c, file), false,
                        List.of(Feature.row(0), Feature.of(Pool.MEAN_OF_NORMED)), 1, Feature.row(0), 0, grid);
            }
            case "beit" -> {
                if (!arch.isEmpty() && !arch.equals("BeitForImageClassification")) {
                    throw unsupported(file, type, arch);
                }
                boolean shared = flag(c, file, "use_shared_relative_position_bias", false);
                boolean perLayer = flag(c, file, "use_relative_position_bias", false);
                RelativeBias rb = shared ? RelativeBias.SHARED : perLayer ? RelativeBias.PER_LAYER : RelativeBias.NONE;
                boolean mean = flag(c, file, "use_mean_pooling", true);
                double scale = VitConfig.doubleField(c, file, "layer_scale_init_value", 0.1);
                Feature pooled = mean ? Feature.of(Pool.NORM_OF_MEAN) : Feature.row(0);
                yield new VisionArch("beit", "BeitForImageClassification", "beit.", false, 0, false, scale > 0, rb,
                        flag(c, file, "use_absolute_position_embeddings", false), false, false, List.of(pooled), 1,
                        pooled, 0, grid);
            }
            case "clip_vision_model", "clip" -> {
                boolean classifier = arch.equals("CLIPForImageClassification");
                boolean whole = type.equals("clip") && (arch.isEmpty() || arch.equals("CLIPModel"));
                if (type.equals("clip") && !classifier && !whole) {
                    throw new InvalidInputException(file + ": architectures " + arch + " is not a CLIP model Leafwalk "
                            + "runs (CLIPModel, CLIPForImageClassification, CLIPVisionModelWithProjection)");
                }
                if (whole) {
                    int proj = VitConfig.intField(c, file, "projection_dim", 512);
                    yield new VisionArch(type, "CLIPModel", "vision_model.", false, 0, false, false, RelativeBias.NONE,
                            true, true, true, List.of(Feature.of(Pool.ZERO_SHOT)), 1, Feature.row(0), proj, grid);
                }
                if (!classifier && !arch.equals("CLIPVisionModelWithProjection")) {
                    throw new InvalidInputException(file + ": architectures " + (arch.isEmpty() ? "(missing)" : arch)
                            + ": a CLIP vision tower opens as CLIPVisionModelWithProjection (its image embedding is "
                            + "the representation)");
                }
                int proj = classifier ? 0 : VitConfig.intField(v, file, "projection_dim", 512);
                yield new VisionArch(type, arch, "vision_model.", false, 0, false, false, RelativeBias.NONE, true, true,
                        true, classifier ? List.of(Feature.of(Pool.MEAN)) : List.of(), 1, Feature.row(0), proj, grid);
            }
            default -> throw new IllegalStateException(type);
        };
    }

    /** Fields that change the computation, by the families that have them. */
    private static final java.util.Map<String, List<String>> FIELDS = java.util.Map.of(
            "layerscale_value", List.of("dinov2", "dinov2_with_registers"),
            "use_swiglu_ffn", List.of("dinov2", "dinov2_with_registers"),
            "num_register_tokens", List.of("dinov2_with_registers"),
            "layer_scale_init_value", List.of("beit"),
            "use_relative_position_bias", List.of("beit"),
            "use_shared_relative_position_bias", List.of("beit"),
            "use_mean_pooling", List.of("beit"));

    /**
     * A field another family has, set so that it would change the computation (a layer scale, SwiGLU, registers, a
     * relative position bias), in a config whose family has no such part: refused by name, not ignored.
     */
    private static void refuseForeignFields(JsonObject c, Path file, String type) {
        for (var e : FIELDS.entrySet()) {
            if (!c.has(e.getKey()) || e.getValue().contains(type)) {
                continue;
            }
            JsonElement x = c.get(e.getKey());
            boolean active = x.isJsonPrimitive() && (x.getAsJsonPrimitive().isBoolean() ? x.getAsBoolean()
                    : x.getAsJsonPrimitive().isNumber() && x.getAsDouble() != 0);
            if (active) {
                throw new InvalidInputException(file + ": " + e.getKey() + " " + x + " is a field of "
                        + String.join(" and ", e.getValue()) + ", which Leafwalk does not run for model_type '" + type
                        + "' (its layers have no such part): is model_type right?");
            }
        }
    }

    private static boolean qkvBias(JsonObject c, Path file) {
        return !c.has("qkv_bias") || VitConfig.bool(c.get("qkv_bias"), file, "qkv_bias");
    }

    private static boolean flag(JsonObject c, Path file, String name, boolean dflt) {
        return c.has(name) ? VitConfig.bool(c.get(name), file, name) : dflt;
    }

    private static InvalidInputException unsupported(Path file, String type, String arch) {
        return new InvalidInputException(file + ": model_type '" + type + "' with architectures " + arch + " is not a "
                + "model Leafwalk runs (it opens " + opens() + ")");
    }

    /** The first entry of config.json's architectures, or "" when there is none. */
    static String architecture(JsonObject c, Path file) {
        if (!c.has("architectures") || c.get("architectures").isJsonNull()) {
            return "";
        }
        JsonElement a = c.get("architectures");
        if (!a.isJsonArray() || ((JsonArray) a).isEmpty() || !((JsonArray) a).get(0).isJsonPrimitive()) {
            throw new InvalidInputException(file + ": architectures must be a list of class names, got " + a);
        }
        return ((JsonArray) a).get(0).getAsString();
    }
}
