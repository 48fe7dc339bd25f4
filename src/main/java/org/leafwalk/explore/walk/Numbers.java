package org.leafwalk.explore.walk;

import java.util.Locale;

/** Numbers as people read them in figures, tables and the names of runs. */
public final class Numbers {
    private Numbers() {}

    /**
     * At most three significant digits, without trailing zeros: 0, 0.05, 2.5, 10, 1.5e-9, 2e4 (the exponent form
     * below 0.01 and from 10,000 on).
     */
    public static String brief(double v) {
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 1e4 || a < 1e-2) {
            String s = String.format(Locale.ROOT, "%.2e", v); // 1.50e-09
            String mantissa = s.substring(0, s.indexOf('e')).replaceAll("0+$", "").replaceAll("\\.$", "");
            int exp = Integer.parseInt(s.substring(s.indexOf('e') + 1));
            return mantissa + "e" + exp;
        }
        String s = String.format(Locale.ROOT, a >= 10 ? "%.0f" : a >= 1 ? "%.1f" : "%.2f", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}
