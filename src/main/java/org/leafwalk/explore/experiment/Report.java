package org.leafwalk.explore.experiment;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.leafwalk.explore.export.Chart;
import org.leafwalk.io.Csv;
import org.leafwalk.io.FileTransaction;
import org.leafwalk.io.JsonFiles;

/**
 * The experiment's folder as a researcher takes it away: results.json (the document), results.csv (one row per
 * cell), and report.html, a page with no outside reference (it opens offline) holding the settings, the tables,
 * the findings and every plot, each plot written as PNG and SVG under plots/.
 */
final class Report {
    static final int WIDTH = 720;
    static final int HEIGHT = 420;

    private Report() {}

    /** Writes the report's files into the experiment's folder, all or nothing, through no link. */
    static void write(Path out, Map<String, Object> doc, Protocol.Summary s, String model) {
        FileTransaction t = new FileTransaction();
        t.addOwned(out, "results.json", utf8(JsonFiles.toJson(doc) + "\n"));
        t.addOwned(out, "results.csv", utf8(csv(s)));
        for (Chart c : s.plots()) {
            t.addOwned(out, "plots/" + c.name() + ".png", c.png(WIDTH, HEIGHT));
            t.addOwned(out, "plots/" + c.name() + ".svg", utf8(c.svg(WIDTH, HEIGHT)));
        }
        t.addOwned(out, "report.html", utf8(html(doc, s, model)));
        t.commit();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static String csv(Protocol.Summary s) {
        Csv csv = new Csv(s.csvHeader());
        for (List<Object> row : s.csvRows()) {
            csv.row(row.stream().map(Report::cell).toList());
        }
        return csv.toString();
    }

    private static String cell(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double d) {
            return Double.isFinite(d) ? (d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf(d.longValue())
                    : String.format(Locale.ROOT, "%.9g", d)) : "";
        }
        if (v instanceof Map<?, ?> m && m.containsKey("index")) {
            return String.valueOf(m.get("index"));
        }
        return String.valueOf(v);
    }

    static String html(Map<String, Object> doc, Protocol.Summary s, String model) {
        StringBuilder b = new StringBuilder();
        String title = "Leafwalk experiment: " + doc.get("protocol") + " on " + model;
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").append(esc(title))
                .append("</title>\n<style>\n")
                .append("body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1100px;margin:2em auto;"
                        + "padding:0 1em;color:#1a1a1a;line-height:1.45}\n")
                .append("h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ddd}\n")
                .append("table{border-collapse:collapse;font-size:.88em;margin:.6em 0}\n")
                .append("th,td{border:1px solid #ccc;padding:.25em .5em;text-align:right;font-size:.95em}th{background:#f3f3f3}\n")
                .append("td.t,th.t{text-align:left}figure{margin:1em 0}figcaption{font-size:.88em;color:#444}\n")
                .append("img{max-width:100%;border:1px solid #eee}.note{color:#8a5a00}pre{background:#f6f6f6;"
                        + "padding:.6em;overflow:auto}\n")
                .append("</style>\n</head>\n<body>\n");
        b.append("<h1>").append(esc(title)).append("</h1>\n");
        boolean complete = Boolean.TRUE.equals(doc.get("complete"));
        b.append("<p>").append(doc.get("finished_runs")).append(" of ").append(doc.get("runs"))
                .append(" runs finished").append(complete ? "" : " <span class=\"note\">(incomplete: the same command with "
                        + "--resume goes on)</span>").append(". Each run's record is in <code>runs/</code>; the cells "
                        + "below are in <code>results.csv</code> and <code>results.json</code>.</p>\n");
        b.append("<h2>Settings</h2>\n<table>\n");
        @SuppressWarnings("unchecked")
        Map<String, Object> settings = (Map<String, Object>) doc.get("settings");
        for (Map.Entry<String, Object> e : settings.entrySet()) {
            String v = e.getValue() instanceof List<?> l && l.size() > 6
                    ? l.size() + " items: " + l.subList(0, 4) + " …" : String.valueOf(e.getValue());
            b.append("<tr><th class=\"t\">").append(esc(e.getKey())).append("</th><td class=\"t\">").append(esc(v))
                    .append("</td></tr>\n");
        }
        b.append("</table>\n");
        b.append("<h2>Results</h2>\n<div style=\"overflow-x:auto\"><table>\n<tr>");
        for (String h : s.csvHeader()) {
            b.append("<th>").append(esc(h.replace('_', ' '))).append("</th>");
        }
        b.append("</tr>\n");
        for (List<Object> row : s.csvRows()) {
            b.append("<tr>");
            for (Object v : row) {
                boolean text = !(v instanceof Number);
                b.append(text ? "<td class=\"t\">" : "<td>").append(esc(show(v))).append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</table></div>\n");
        for (Protocol.Table t : s.tables()) {
            b.append("<h2>").append(esc(t.title())).append("</h2>\n<div style=\"overflow-x:auto\"><table>\n<tr>");
            for (String h : t.header()) {
                b.append("<th>").append(esc(h)).append("</th>");
            }
            b.append("</tr>\n");
            for (List<Object> row : t.rows()) {
                b.append("<tr>");
                for (int i = 0; i < row.size(); i++) {
                    b.append(i == 0 ? "<td class=\"t\">" : "<td>").append(esc(show(row.get(i)))).append("</td>");
                }
                b.append("</tr>\n");
            }
            b.append("</table></div>\n");
        }
        b.append("<h2>Summary</h2>\n<pre>").append(esc(s.table())).append("</pre>\n");
        if (!s.findings().isEmpty()) {
            b.append("<h2>Findings</h2>\n");
            for (String f : s.findings()) {
                b.append("<p>").append(esc(f)).append("</p>\n");
            }
        }
        b.append("<h2>Plots</h2>\n");
        for (Chart c : s.plots()) {
            b.append("<figure><img src=\"plots/").append(c.name()).append(".svg\" alt=\"").append(esc(c.title()))
                    .append("\" width=\"").append(WIDTH).append("\"><figcaption>").append(esc(c.title()))
                    .append(" · <a href=\"plots/").append(c.name()).append(".png\">PNG</a> · <a href=\"plots/")
                    .append(c.name()).append(".svg\">SVG</a></figcaption></figure>\n");
        }
        if (s.paper() != null) {
            b.append("<h2>Published values</h2>\n<pre>").append(esc(JsonFiles.toJson(s.paper()))).append("</pre>\n");
        }
        b.append("<p style=\"font-size:.8em;color:#666\">Written by Leafwalk.</p>\n</body>\n</html>\n");
        return b.toString();
    }

    private static String show(Object v) {
        if (v instanceof Double d) {
            return !Double.isFinite(d) ? "–" : d == Math.rint(d) && Math.abs(d) < 1e6 ? String.valueOf(d.longValue())
                    : String.format(Locale.ROOT, "%.4g", d);
        }
        if (v instanceof Map<?, ?> m && m.containsKey("index")) {
            return String.valueOf(m.get("index"));
        }
        return v == null ? "–" : String.valueOf(v);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
