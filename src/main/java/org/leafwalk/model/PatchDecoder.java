package org.leafwalk.model;

import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The plain numbers that read a ViT's embedding sequence back as an image: the (normalisation-folded) patch
 * projection, its pseudo-inverse and the offsets the embeddings module adds (the patches' bias and position
 * embeddings, the prefix tokens), copied from the fused weights once at load.
 */
final class PatchDecoder {
    private final VitConfig config;
    private final double[] projection; // (d, CPP) folded, row-major
    private final double[] projectionPinv; // (CPP, d)
    private final double[] patchOffsets; // (N, d) folded bias + position embeddings
    private final double[] prefixOffset; // (P, d): the prefix tokens as the embeddings module gives them

    PatchDecoder(VitConfig config, VitNetwork.Fused fused) {
        this.config = config;
        projection = fused.patchWT().toType(DataType.FLOAT64, false).toDoubleArray();
        patchOffsets = fused.patchBiasPos().toType(DataType.FLOAT64, false).toDoubleArray();
        prefixOffset = fused.prefixPos().toType(DataType.FLOAT64, false).toDoubleArray();
        projectionPinv = pseudoInverse(projection, config.hiddenSize(), config.patchDim());
    }

    /**
     * Reads an embedding sequence back as an image: each patch token minus its offset, through the
     * pseudo-inverse of the (normalisation-folded) patch projection. What no image could produce is the residual.
     */
    EmbeddingDecoding decode(double[] embedding) {
        int d = config.hiddenSize();
        int cpp = config.patchDim();
        int n = config.numPatches();
        int g = config.gridSize();
        int p = config.patchSize();
        int c = config.numChannels();
        int size = config.imageSize();
        double[] image = new double[config.pixelDimension()];
        double[] patchResidual = new double[n];
        double residualSq = 0;
        double totalSq = 0;
        int prefix = config.prefixTokens();
        double[] e = new double[d];
        double[] px = new double[cpp];
        for (int k = 0; k < n; k++) {
            for (int j = 0; j < d; j++) {
                e[j] = embedding[(k + prefix) * d + j] - patchOffsets[k * d + j];
                totalSq += e[j] * e[j];
            }
            for (int i = 0; i < cpp; i++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += projectionPinv[i * d + j] * e[j];
                }
                px[i] = s;
            }
            double r2 = 0;
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int i = 0; i < cpp; i++) {
                    s += projection[j * cpp + i] * px[i];
                }
                double r = e[j] - s;
                r2 += r * r;
            }
            patchResidual[k] = Math.sqrt(r2);
            residualSq += r2;
            int gy = k / g;
            int gx = k % g;
            for (int i = 0; i < cpp; i++) {
                int ch = i / (p * p);
                int py = (i / p) % p;
                int pxx = i % p;
                image[ch * size * size + (gy * p + py) * size + gx * p + pxx] = px[i];
            }
        }
        double clsSq = 0;
        for (int j = 0; j < prefix * d; j++) {
            double r = embedding[j] - prefixOffset[j];
            clsSq += r * r;
        }
        return new EmbeddingDecoding(image, patchResidual, Math.sqrt(residualSq), Math.sqrt(totalSq),
                Math.sqrt(clsSq));
    }

    /** A direction in embedding space read through the pseudo-inverse of the patch projection, as an image. */
    double[] decodeDirection(double[] v) {
        int d = config.hiddenSize();
        int cpp = config.patchDim();
        int g = config.gridSize();
        int p = config.patchSize();
        int size = config.imageSize();
        double[] image = new double[config.pixelDimension()];
        for (int k = 0; k < config.numPatches(); k++) {
            int gy = k / g;
            int gx = k % g;
            for (int i = 0; i < cpp; i++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += projectionPinv[i * d + j] * v[(k + config.prefixTokens()) * d + j];
                }
                int ch = i / (p * p);
                image[ch * size * size + (gy * p + (i / p) % p) * size + gx * p + i % p] = s;
            }
        }
        return image;
    }

    /**
     * Per-dimension bounds of the patch tokens reachable by images with pixels in [0,1] (the seed paper's
     * embedding-space bounds); the prefix tokens ([CLS], distillation, registers) are left free.
     */
    double[][] embeddingBounds() {
        int d = config.hiddenSize();
        int cpp = config.patchDim();
        int n = config.numPatches();
        double[] lo = new double[config.embeddingDimension()];
        double[] hi = new double[config.embeddingDimension()];
        int prefix = config.prefixTokens();
        Arrays.fill(lo, 0, prefix * d, Double.NEGATIVE_INFINITY);
        Arrays.fill(hi, 0, prefix * d, Double.POSITIVE_INFINITY);
        for (int j = 0; j < d; j++) {
            double neg = 0;
            double pos = 0;
            for (int i = 0; i < cpp; i++) {
                double w = projection[j * cpp + i];
                if (w < 0) {
                    neg += w;
                } else {
                    pos += w;
                }
            }
            for (int k = 0; k < n; k++) {
                lo[(k + prefix) * d + j] = patchOffsets[k * d + j] + neg;
                hi[(k + prefix) * d + j] = patchOffsets[k * d + j] + pos;
            }
        }
        return new double[][] {lo, hi};
    }

    private static double[] pseudoInverse(double[] a, int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols, true, a);
        DMatrixRMaj inv = new DMatrixRMaj(cols, rows);
        CommonOps_DDRM.pinv(m, inv);
        return inv.getData().clone();
    }
}
