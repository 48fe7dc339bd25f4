package org.leafwalk.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A forward pass of a {@link TextTask} at batch 1 kept for the batched pullback: its readout's k cotangent rows are
 * pulled back together through the task's head (zero-shot cosines and pooling, the masked-LM head, or the pooler and
 * classifier), the encoder ({@link BertModel.Tape}) and the placement of the selected rows, instead of autograd on
 * k copies of the sentence.
 */
final class TextTape implements TextTask.Tape {
    private final TextTask task;
    private final BertModel.Tape encoder;
    private final NDArray output;
    private final long tokens;
    // zero-shot: the pooled embedding's unit vector and norm, and for max pooling where each maximum sits
    private NDArray unit;
    private NDArray norm;
    private NDArray maxAt;
    // masked-LM: the head's activation derivative and layer norm
    private NDArray actGrad;
    private NDArray xhat;
    private NDArray rstd;
    // classifier: the pooler's activation derivative
    private NDArray poolerGrad;

    TextTape(TextTask task, NDArray x1) {
        this.task = task;
        TextModel model = task.model();
        NDArray emb = task.sequence(x1);
        encoder = model.bert().tape(emb);
        NDArray h = encoder.hidden();
        tokens = h.getShape().get(1);
        BertModel bert = model.bert();
        output = switch (task.kind()) {
            case ZERO_SHOT -> {
                NDArray pooled = task.pooling().apply(h);
                if (task.pooling() == Pooling.MAX) {
                    // the maxima's places (ties share the cotangent, as a subgradient may)
                    NDArray hit = h.eq(pooled.expandDims(1)).toType(h.getDataType(), false);
                    maxAt = hit.div(hit.sum(new int[] {1}, true));
                }
                norm = pooled.square().sum(new int[] {1}, true).add(1e-12).sqrt();
                unit = pooled.div(norm);
                yield NDArrays.concat(new ai.djl.ndarray.NDList(unit.matMul(task.labelDirections())
                        .mul(TextTask.ZERO_SHOT_SCALE),
                        pooled), 1);
            }
            case MASKED_LM -> {
                BertHeads.MaskedLmHead head = bert.maskedLmHead();
                NDArray at = h.get(":, " + task.maskPosition() + ", :");
                NDArray[] act = VitNetwork.activationWithGrad(at.matMul(head.denseW()).add(head.denseB()),
                        model.config().hiddenAct());
                NDArray[] n = VitNetwork.norm(act[0], head.lnG(), head.lnB(), model.config().layerNormEps());
                actGrad = act[1];
                xhat = n[1];
                rstd = n[2];
                NDArray logits = n[0].matMul(head.decoderW()).add(head.decoderB()).matMul(task.vocabColumns());
                yield NDArrays.concat(new ai.djl.ndarray.NDList(logits, h.mean(new int[] {1})), 1);
            }
            case CLASSIFIER -> {
                BertHeads.ClassifierHead head = bert.classifierHead();
                NDArray cls = h.get(":, 0, :");
                NDArray[] act = VitNetwork.activationWithGrad(cls.matMul(head.poolerW()).add(head.poolerB()),
                        head.activation());
                poolerGrad = act[1];
                yield NDArrays.concat(new ai.djl.ndarray.NDList(act[0].matMul(head.w()).add(head.b()), act[0]),
                        1);
            }
        };
    }

    @Override
    public NDArray output() {
        return output;
    }

    @Override
    public NDArray pullback(NDArray cot) {
        TextModel model = task.model();
        long kRows = cot.getShape().get(0);
        int labelCount = task.labels().size();
        int d = model.config().hiddenSize();
        NDArray cLogits = cot.get(":, 0:" + labelCount);
        NDArray cRep = cot.get(":, " + labelCount + ":");
        NDManager m = cot.getManager();
        NDArray dh = switch (task.kind()) {
            case ZERO_SHOT -> {
                NDArray dUnit = cLogits.matMul(BertModel.transposed(task.labelDirections(), m))
                        .mul(TextTask.ZERO_SHOT_SCALE);
                NDArray along = dUnit.matMul(unit.transpose()); // (k, 1)
                NDArray dPooled = cRep.add(dUnit.sub(along.mul(unit)).div(norm)); // (k, d)
                NDArray rows = dPooled.expandDims(1); // (k, 1, d)
                yield switch (task.pooling()) {
                    case CLS -> rows.mul(row(m, 0));
                    case MEAN -> rows.broadcast(kRows, tokens, d).div(tokens);
                    case MAX -> rows.mul(maxAt);
                };
            }
            case MASKED_LM -> {
                BertHeads.MaskedLmHead head = model.bert().maskedLmHead();
                NDArray dz = cLogits.matMul(BertModel.transposed(task.decoderColumns(head), m));
                NDArray du = VitTape.normBackward(dz, xhat, rstd, head.lnG()).mul(actGrad);
                NDArray atMask = du.matMul(BertModel.transposed(head.denseW(), m)).expandDims(1)
                        .mul(row(m, task.maskPosition()));
                yield atMask.add(cRep.expandDims(1).div(tokens));
            }
            case CLASSIFIER -> {
                BertHeads.ClassifierHead head = model.bert().classifierHead();
                NDArray dz = cLogits.matMul(BertModel.transposed(head.w(), m)).add(cRep).mul(poolerGrad);
                yield dz.matMul(BertModel.transposed(head.poolerW(), m)).expandDims(1).mul(row(m, 0));
            }
        };
        NDArray dEmb = encoder.pullback(dh); // (k, T, E)
        // only the selected rows are the point's: scatter (S, T) picks them
        NDArray pick = task.scatter().duplicate(); // an operation's result joins its first operand's manager
        pick.attach(m);
        return pick.matMul(dEmb).reshape(kRows, (long) task.selectedRows().length * model.config().embeddingSize());
    }

    /** (1, T, 1): one at token {@code p}, zero elsewhere. */
    private NDArray row(NDManager m, int p) {
        float[] e = new float[(int) tokens];
        e[p] = 1;
        return TextTask.cast(m.create(e, new Shape(1, tokens, 1)), output.getDataType());
    }
}
