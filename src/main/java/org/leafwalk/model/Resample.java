package org.leafwalk.model;

import java.util.Locale;

/**
 * Resizing as Pillow's Image.resize does it, which is what transformers' image processors call: a separable
 * convolution, horizontal then vertical, with the filter's support widened by the downscaling factor (antialiasing),
 * each pass rounded back to 8-bit values as Pillow's 8-bit images are. NEAREST takes the pixel under each centre.
 */
public enum Resample {
    NEAREST(0, 0),
    LANCZOS(1, 3),
    BILINEAR(2, 1),
    BICUBIC(3, 2),
    BOX(4, 0.5),
    HAMMING(5, 1);

    /** Pillow's number for the filter (what preprocessor_config.json's "resample" holds). */
    public final int pillowId;
    private final double support;

    Resample(int pillowId, double support) {
        this.pillowId = pillowId;
        this.support = support;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The filter of Pillow's number, or null when there is none of that number. */
    public static Resample ofPillow(int id) {
        for (Resample r : values()) {
            if (r.pillowId == id) {
                return r;
            }
        }
        return null;
    }

    private double filter(double x) {
        double ax = Math.abs(x);
        return switch (this) {
            case BILINEAR -> ax < 1 ? 1 - ax : 0;
            case BICUBIC -> {
                double a = -0.5;
                yield ax < 1 ? ((a + 2) * ax - (a + 3)) * ax * ax + 1
                        : ax < 2 ? (((ax - 5) * ax + 8) * ax - 4) * a : 0;
            }
            case BOX -> x > -0.5 && x <= 0.5 ? 1 : 0;
            case HAMMING -> ax < 1 ? (x == 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x)
                    * (0.54 + 0.46 * Math.cos(Math.PI * x))) : 0;
            case LANCZOS -> ax < 3 ? sinc(x) * sinc(x / 3) : 0;
            case NEAREST -> 0;
        };
    }

    private static double sinc(double x) {
        return x == 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    }

    /**
     * Resizes interleaved samples (width × height × bands, values in [0,1]) to {@code outW} × {@code outH}.
     */
    public double[] resize(double[] in, int w, int h, int bands, int outW, int outH) {
        if (this == NEAREST) {
            double[] out = new double[outW * outH * bands];
            for (int y = 0; y < outH; y++) {
                int sy = Math.min(h - 1, (int) ((y + 0.5) * h / outH));
                for (int x = 0; x < outW; x++) {
                    int sx = Math.min(w - 1, (int) ((x + 0.5) * w / outW));
                    System.arraycopy(in, (sy * w + sx) * bands, out, (y * outW + x) * bands, bands);
                }
            }
            return out;
        }
        double[] horizontal = w == outW ? in : pass(in, w, h, bands, outW, true, true);
        return h == outH ? horizontal : pass(horizontal, outW, h, bands, outH, false, true);
    }

    /**
     * The same separable antialiased filter without Pillow's 8-bit rounding: torch's interpolate with
     * antialias=True (which takes its kernels from Pillow), for arrays of any values.
     */
    public double[] resizeExact(double[] in, int w, int h, int bands, int outW, int outH) {
        double[] horizontal = w == outW ? in : pass(in, w, h, bands, outW, true, false);
        return h == outH ? horizontal : pass(horizontal, outW, h, bands, outH, false, false);
    }

    /** One pass along x ({@code alongX}) or y, to {@code out} samples, rounded to 8 bits when {@code round}. */
    private double[] pass(double[] in, int w, int h, int bands, int out, boolean alongX, boolean round) {
        int inSize = alongX ? w : h;
        double scale = (double) inSize / out;
        double filterScale = Math.max(scale, 1);
        double sup = support * filterScale;
        int[] start = new int[out];
        double[][] k = new double[out][];
        for (int o = 0; o < out; o++) {
            double center = (o + 0.5) * scale;
            int xmin = Math.max((int) (center - sup + 0.5), 0);
            int xmax = Math.min((int) (center + sup + 0.5), inSize);
            double[] ks = new double[Math.max(0, xmax - xmin)];
            double sum = 0;
            for (int i = 0; i < ks.length; i++) {
                ks[i] = filter((i + xmin - center + 0.5) / filterScale);
                sum += ks[i];
            }
            for (int i = 0; i < ks.length; i++) {
                ks[i] = sum == 0 ? 0 : ks[i] / sum;
            }
            start[o] = xmin;
            k[o] = ks;
        }
        int ow = alongX ? out : w;
        int oh = alongX ? h : out;
        double[] res = new double[ow * oh * bands];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                int o = alongX ? x : y;
                for (int b = 0; b < bands; b++) {
                    double s = 0;
                    for (int i = 0; i < k[o].length; i++) {
                        int sx = alongX ? start[o] + i : x;
                        int sy = alongX ? y : start[o] + i;
                        s += k[o][i] * in[(sy * w + sx) * bands + b];
                    }
                    if (!round) {
                        res[(y * ow + x) * bands + b] = s;
                        continue;
                    }
                    double v = Math.floor(s * 255 + 0.5); // Pillow rounds each pass to its 8-bit image
                    res[(y * ow + x) * bands + b] = Math.max(0, Math.min(255, v)) / 255;
                }
            }
        }
        return res;
    }
}
