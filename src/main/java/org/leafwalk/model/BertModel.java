package org.leafwalk.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.leafwalk.io.InvalidInputException;
import org.leafwalk.io.SafeTensors;
import org.leafwalk.io.Tensor;

/**
 * A BERT encoder (Hugging Face BertModel layout: post-norm blocks) in DJL NDArray operations, batched and
 * differentiable. The input space it is explored in is the embedding sequence after the embedding LayerNorm, as in
 * the seed paper: {@link #embed} builds it from token ids, {@link #encode} runs the encoder from it.
 */
public final class BertModel implements AutoCloseable {
    private final BertConfig config;
    private final NDManager manager;
    private final DataType dtype;
    private final NDArray wordEmbeddings; // (V, d)
    private final NDArray positionEmbeddings; // (P, d)
    private final NDArray typeEmbeddings; // (types, d)
    private final NDArray embLnG;
    private final NDArray embLnB;
    private final NDArray projectW; // (E, d) when the embeddings are narrower than the hidden states, else null
    private final NDArray projectB;
    private final List<BertWeights.Layer> layers;
    private final BertHeads.MaskedLmHead mlm; // null when the checkpoint has none
    private final BertHeads.ClassifierHead classifier; // null when the checkpoint has none
    private final long parameterCount;

    private BertModel(BertConfig c, Path file, Map<String, Tensor> w, NDManager m, DataType dtype) {
        this.config = c;
        this.parameterCount = Tensor.count(w);
        this.manager = m;
        this.dtype = dtype;
        BertWeights read = BertWeights.read(c, file, w, this::array);
        wordEmbeddings = read.wordEmbeddings();
        positionEmbeddings = read.positionEmbeddings();
        typeEmbeddings = read.typeEmbeddings();
        embLnG = read.embLnG();
        embLnB = read.embLnB();
        projectW = read.projectW();
        projectB = read.projectB();
        layers = read.layers();
        mlm = read.mlm();
        classifier = read.classifier();
    }

    /** Loads a Hugging Face BERT folder (config.json, model.safetensors). */
    public static BertModel load(Path dir, Device device, DataType dtype) {
        BertConfig c = BertConfig.load(dir);
        Path file = dir.resolve("model.safetensors");
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(dir + ": no model.safetensors in the model folder");
        }
        return fromTensors(c, file, SafeTensors.read(file), device, dtype);
    }

    /** Builds the engine from named tensors (a safetensors file, or weights imported from ONNX). */
    public static BertModel fromTensors(BertConfig c, Path source, Map<String, Tensor> w, Device device,
            DataType dtype) {
        NDManager m = NDManager.newBaseManager(device);
        try {
            return new BertModel(c, source, w, m, dtype);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** How many numbers the checkpoint holds. */
    public long parameterCount() {
        return parameterCount;
    }

    public BertConfig config() {
        return config;
    }

    public NDManager manager() {
        return manager;
    }

    public DataType dataType() {
        return dtype;
    }

    /**
     * Token ids (B, T) and token types (B, T) to the embedding sequence the encoder reads: LayerNorm(word + position +
     * type), (B, T, d). Arrays are created on the ids' manager.
     */
    public NDArray embed(NDArray ids, NDArray types) {
        long t = ids.getShape().get(1);
        if (t > config.maxTokens()) {
            throw new InvalidInputException("the text has " + t + " tokens; the model reads at most "
                    + config.maxTokens());
        }
        NDManager m = ids.getManager();
        NDArray word = gather(wordEmbeddings, ids, m);
        NDArray type = gather(typeEmbeddings, types, m);
        NDArray pos = positionEmbeddings.get("0:" + t + ", :");
        pos.attach(m);
        NDArray sum = word.add(type).add(pos);
        return VitNetwork.layerNorm(sum, embLnG, embLnB, config.embeddingSize(), config.layerNormEps());
    }

    private static NDArray gather(NDArray table, NDArray ids, NDManager m) {
        NDArray flat = ids.flatten().toType(DataType.INT64, false);
        NDArray rows = table.get(flat);
        rows.attach(m);
        Shape s = ids.getShape();
        return rows.reshape(s.get(0), s.get(1), table.getShape().get(1));
    }

    /**
     * Runs the encoder from an embedding sequence (B, T, d) with an attention mask (B, T) of 1 (token) and 0
     * (padding); returns the last hidden state (B, T, d).
     */
    public NDArray encode(NDArray emb, NDArray mask) {
        int d = config.hiddenSize();
        int heads = config.numHeads();
        int hd = d / heads;
        long b = emb.getShape().get(0);
        long t = emb.getShape().get(1);
        // additive mask: 0 where a token may be attended to, a large negative where it is padding
        NDArray bias = mask.toType(emb.getDataType(), false).sub(1).mul(1e4).reshape(b, 1, 1, t);
        NDArray h = seen("the input embeddings", projectW == null ? emb : emb.matMul(projectW).add(projectB));
        for (int l = 0; l < layers.size(); l++) {
            BertWeights.Layer w = layers.get(l);
            String at = probe == null ? null : "layer " + (l + 1) + "'s ";
            NDArray qkv = seen(at, "query, key and value projections", h.matMul(w.qkvW()).add(w.qkvB()))
                    .reshape(b, t, 3, heads, hd).transpose(2, 0, 3, 1, 4);
            NDArray scores = seen(at, "attention scores", qkv.get(0).matMul(qkv.get(1).transpose(0, 1, 3, 2)));
            NDArray att = seen(at, "attention softmax", scores.add(bias).softmax(-1));
            NDArray ctx = att.matMul(qkv.get(2)).transpose(0, 2, 1, 3).reshape(b, t, d);
            NDArray h1 = seen(at, "attention's layer norm", layerNorm(seen(at, "attention output",
                    ctx.matMul(w.outW()).add(w.outB()).add(h)), w.ln1G(), w.ln1B()));
            NDArray u = seen(at, "feed-forward activation", activation(seen(at, "feed-forward's first linear layer",
                    h1.matMul(w.fc1W()).add(w.fc1B()))));
            h = seen(at, "output layer norm", layerNorm(seen(at, "feed-forward's second linear layer",
                    u.matMul(w.fc2W()).add(w.fc2B()).add(h1)), w.ln2G(), w.ln2B()));
        }
        return h;
    }

    private FiniteProbe probe; // set only while a diagnosis runs a forward pass (TextTask.firstNonFinite)

    private NDArray seen(String stage, NDArray a) {
        return probe == null ? a : probe.check(stage, a);
    }

    /** As {@link #seen(String, NDArray)} for a stage of a layer, named only when a diagnosis runs. */
    private NDArray seen(String layer, String stage, NDArray a) {
        return probe == null ? a : probe.check(layer + stage, a);
    }

    /** Runs {@code pass} with every stage of {@link #encode} read back; the first non-finite stage, or null. */
    String firstNonFinite(java.util.function.Supplier<NDArray> pass, String output) {
        probe = new FiniteProbe();
        try {
            probe.check(output, pass.get());
            return probe.first();
        } finally {
            probe = null;
        }
    }

    /**
     * The encoder at batch 1 from an embedding sequence (1, T, E) whose every token is real, keeping what the
     * hand-written pullback needs: one forward pass, then k cotangent rows pulled back at once ({@link Tape}), as
     * the ViT's {@link VitTape} does, in place of autograd on k replicated sequences.
     */
    public Tape tape(NDArray emb1) {
        return new Tape(emb1);
    }

    /** What one post-norm block's pullback needs from its forward pass. */
    private record Saved(NDArray q, NDArray k, NDArray v, NDArray att, NDArray ctx, NDArray xhat1, NDArray rstd1,
            NDArray actGrad, NDArray xhat2, NDArray rstd2) {}

    /** A forward pass at batch 1 kept for the batched pullback. */
    public final class Tape {
        private final List<Saved> saved = new ArrayList<>();
        private final NDArray hidden;

        private Tape(NDArray emb) {
            int d = config.hiddenSize();
            int heads = config.numHeads();
            int hd = d / heads;
            long t = emb.getShape().get(1);
            double eps = config.layerNormEps();
            NDArray h = projectW == null ? emb : emb.matMul(projectW).add(projectB);
            for (BertWeights.Layer w : layers) {
                NDArray qkv = h.matMul(w.qkvW()).add(w.qkvB()).reshape(1, t, 3, heads, hd).transpose(2, 0, 3, 1, 4);
                NDArray q = qkv.get(0);
                NDArray k = qkv.get(1);
                NDArray v = qkv.get(2);
                NDArray att = q.matMul(k.transpose(0, 1, 3, 2)).softmax(-1);
                NDArray ctx = att.matMul(v);
                NDArray a = ctx.transpose(0, 2, 1, 3).reshape(1, t, d).matMul(w.outW()).add(w.outB()).add(h);
                NDArray[] n1 = VitNetwork.norm(a, w.ln1G(), w.ln1B(), eps);
                NDArray[] act = VitNetwork.activationWithGrad(n1[0].matMul(w.fc1W()).add(w.fc1B()), config.hiddenAct());
                NDArray[] n2 = VitNetwork.norm(act[0].matMul(w.fc2W()).add(w.fc2B()).add(n1[0]), w.ln2G(), w.ln2B(), eps);
                saved.add(new Saved(q, k, v, att, ctx.reshape(heads, t, 1, hd), n1[1], n1[2], act[1], n2[1], n2[2]));
                h = n2[0];
            }
            hidden = h;
        }

        /** The last hidden state (1, T, d). */
        public NDArray hidden() {
            return hidden;
        }

        /** Cotangent rows on the last hidden state (k, T, d) to rows on the embedding sequence (k, T, E). */
        public NDArray pullback(NDArray dHidden) {
            NDManager m = dHidden.getManager();
            int d = config.hiddenSize();
            int heads = config.numHeads();
            long kRows = dHidden.getShape().get(0);
            long t = dHidden.getShape().get(1);
            NDArray dh = dHidden;
            for (int l = layers.size() - 1; l >= 0; l--) {
                BertWeights.Layer w = layers.get(l);
                Saved s = saved.get(l);
                // h2 = LN(act(h1 W1 + b1) W2 + b2 + h1)
                NDArray dOut = VitTape.normBackward(dh, s.xhat2(), s.rstd2(), w.ln2G());
                NDArray dh1 = dOut.matMul(transposed(w.fc2W(), m)).mul(s.actGrad()).matMul(transposed(w.fc1W(), m))
                        .add(dOut);
                // h1 = LN(attention(h) Wo + bo + h)
                NDArray dA = VitTape.normBackward(dh1, s.xhat1(), s.rstd1(), w.ln1G());
                NDArray[] dqkv = VitTape.attentionBackward(dA.matMul(transposed(w.outW(), m)), s.q(), s.k(), s.v(),
                        s.att(), s.ctx(), heads);
                dh = NDArrays.stack(new NDList(dqkv[0], dqkv[1], dqkv[2]), 2).reshape(kRows, t, 3L * d)
                        .matMul(transposed(w.qkvW(), m)).add(dA);
            }
            return projectW == null ? dh : dh.matMul(transposed(projectW, m));
        }
    }

    /**
     * A weight's transpose as a view that belongs to {@code m} (the step's manager): an operation's result joins
     * its first operand's manager, and a weight's is the model's, which would keep every step's views until the
     * model closes.
     */
    static NDArray transposed(NDArray weight, NDManager m) {
        NDArray t = weight.transpose();
        t.attach(m);
        return t;
    }

    BertHeads.MaskedLmHead maskedLmHead() {
        return mlm;
    }

    BertHeads.ClassifierHead classifierHead() {
        return classifier;
    }

    public boolean hasMaskedLmHead() {
        return mlm != null;
    }

    /** The classifier's number of labels, or 0 when the checkpoint has no classifier head. */
    public int classifierLabels() {
        return classifier == null ? 0 : classifier.labels();
    }

    /** The masked-LM head's vocabulary logits at every position: hidden (B, T, d) to (B, T, V). */
    public NDArray maskedLmLogits(NDArray hidden) {
        if (mlm == null) {
            throw new IllegalStateException("this checkpoint has no masked-LM head");
        }
        NDArray u = activation(hidden.matMul(mlm.denseW()).add(mlm.denseB()));
        return VitNetwork.layerNorm(u, mlm.lnG(), mlm.lnB(), (int) mlm.lnG().getShape().get(0), config.layerNormEps())
                .matMul(mlm.decoderW()).add(mlm.decoderB());
    }

    /** BERT's pooled output: tanh(dense([CLS] hidden state)), (B, d). */
    public NDArray pooled(NDArray hidden) {
        if (classifier == null) {
            throw new IllegalStateException("this checkpoint has no pooler");
        }
        long b = hidden.getShape().get(0);
        NDArray cls = hidden.get(":, 0, :").reshape(b, config.hiddenSize());
        NDArray z = cls.matMul(classifier.poolerW()).add(classifier.poolerB());
        return switch (classifier.activation()) {
            case "relu" -> z.maximum(0);
            case "gelu" -> VitNetwork.activation(z, "gelu");
            default -> z.tanh();
        };
    }

    /** The classifier's logits from the pooled output: (B, d) to (B, labels). */
    public NDArray classify(NDArray pooled) {
        return pooled.matMul(classifier.w()).add(classifier.b());
    }

    /** The word embedding table (V, d), the position table (P, d) and the token type table, on the model. */
    public NDArray wordEmbeddings() {
        return wordEmbeddings;
    }

    public NDArray positionEmbeddings() {
        return positionEmbeddings;
    }

    public NDArray typeEmbeddings() {
        return typeEmbeddings;
    }

    /** The embedding LayerNorm's scale and offset. */
    public NDArray embeddingNormScale() {
        return embLnG;
    }

    public NDArray embeddingNormOffset() {
        return embLnB;
    }

    private NDArray layerNorm(NDArray x, NDArray g, NDArray b) {
        return VitNetwork.layerNorm(x, g, b, config.hiddenSize(), config.layerNormEps());
    }

    private NDArray activation(NDArray x) {
        return VitNetwork.activation(x, config.hiddenAct());
    }

    private NDArray array(float[] data, long... shape) {
        NDArray a = manager.create(data, new Shape(shape));
        return dtype == DataType.FLOAT32 ? a : a.toType(dtype, false);
    }

    @Override
    public void close() {
        manager.close();
    }
}
