package org.gse.eval;

import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.gse.data.Pair;

/**
 * Renders {@code report.html}: one self-contained page (no scripts, fonts or styles from elsewhere) with the
 * results table, ROC curves and score histograms as inline SVG, and the hardest mistakes of each scorer with the
 * stickers shown as inline {@code data:} PNG thumbnails.
 */
final class HtmlReport {

    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
        "#e377c2", "#17becf"};
    private static final int HISTOGRAM_BINS = 20;

    private HtmlReport() {}

    static String render(Evaluation evaluation, Function<String, byte[]> thumbnails) {
        Evaluation.Provenance p = evaluation.provenance();
        StringBuilder html = new StringBuilder(64 * 1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>Sticker similarity evaluation</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}")
                .append("table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:4px 8px;")
                .append("text-align:left;vertical-align:middle}th{background:#f3f3f3}td.num{text-align:right;white-space:nowrap}")
                .append(".pair img{width:96px;height:96px;object-fit:contain;background:#fff;border:1px solid #ddd}")
                .append(".charts{display:flex;flex-wrap:wrap;gap:1.5em}.small{color:#666;font-size:90%}")
                .append("code{font-size:90%}\n</style>\n</head>\n<body>\n");
        html.append("<h1>Sticker similarity evaluation</h1>\n");
        html.append("<p class=\"small\">").append(esc(p.date())).append(" &middot; ").append(esc(p.codeVersion()))
                .append(p.gitCommit() == null ? "" : " (" + esc(p.gitCommit()) + ")").append(" &middot; ")
                .append(esc(p.machine())).append("</p>\n");
        html.append("<p>Test metrics at each scorer's threshold, chosen on the training pairs to maximise accuracy"
                + " (similar when score &ge; threshold), with ")
                .append(Math.round(p.confidenceLevel() * 100)).append("% percentile-bootstrap intervals (")
                .append(p.resamples()).append(" resamples, seed ").append(p.seed()).append("). Best AUC first.</p>\n");
        table(html, evaluation);
        comparisons(html, evaluation);

        html.append("<h2>ROC curves</h2>\n<div class=\"charts\">").append(rocSvg(evaluation)).append("</div>\n");
        html.append("<h2>Score distributions</h2>\n<p class=\"small\">Test pairs; similar pairs in green, dissimilar"
                + " in red; the dashed line is the threshold.</p>\n<div class=\"charts\">\n");
        List<Pair> pairs = evaluation.testPairs();
        for (Evaluation.ScorerResult r : evaluation.scorers()) {
            html.append(histogramSvg(r, pairs));
        }
        html.append("</div>\n");

        html.append("<h2>Hardest mistakes</h2>\n");
        Map<String, String> images = new HashMap<>();
        for (Evaluation.ScorerResult r : evaluation.scorers()) {
            html.append("<h3>").append(esc(r.name())).append("</h3>\n");
            examples(html, "False positives: dissimilar pairs scored highest", r.hardestFalsePositives(), images,
                    thumbnails);
            examples(html, "False negatives: similar pairs scored lowest", r.hardestFalseNegatives(), images,
                    thumbnails);
        }
        data(html, evaluation);
        html.append("</body>\n</html>\n");
        return html.toString();
    }

    private static void table(StringBuilder html, Evaluation evaluation) {
        html.append("<table>\n<tr><th>scorer</th><th>threshold</th>");
        for (String m : List.of("accuracy", "F1", "precision", "recall", "AUC", "AP")) {
            html.append("<th>").append(m).append("</th>");
        }
        html.append("<th>pairs</th><th>dropped</th></tr>\n");
        for (Evaluation.ScorerResult r : ReportWriter.byAuc(evaluation)) {
            html.append("<tr><td>").append(esc(r.name())).append(r.baseline() ? " <span class=\"small\">(baseline)"
                    + "</span>" : "").append("</td><td class=\"num\">").append(ReportWriter.format(r.threshold()))
                    .append("</td>");
            for (String metric : Evaluation.METRICS) {
                Estimate e = r.test().get(metric);
                html.append("<td class=\"num\">").append(ReportWriter.format(e.value()));
                if (!Double.isNaN(e.value()) && !Double.isNaN(e.low())) {
                    html.append("<br><span class=\"small\">[").append(ReportWriter.format(e.low())).append(", ")
                            .append(ReportWriter.format(e.high())).append("]</span>");
                }
                html.append("</td>");
            }
            html.append("<td class=\"num\">").append(r.nPairs()).append("</td><td class=\"num\">")
                    .append(r.nMissing()).append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    private static void comparisons(StringBuilder html, Evaluation evaluation) {
        if (evaluation.comparisons().isEmpty()) {
            return;
        }
        html.append("<h2>Comparisons</h2>\n<p class=\"small\">Difference A &minus; B on the same test pairs with a"
                + " paired-bootstrap interval and two-sided p-value; DeLong's test for AUC.</p>\n");
        html.append("<table>\n<tr><th>A</th><th>B</th><th>metric</th><th>difference</th><th>interval</th>"
                + "<th>p (bootstrap)</th><th>p (DeLong)</th></tr>\n");
        for (Evaluation.Comparison c : evaluation.comparisons()) {
            for (Map.Entry<String, Bootstrap.Difference> d : c.differences().entrySet()) {
                Estimate e = d.getValue().estimate();
                html.append("<tr><td>").append(esc(c.a())).append("</td><td>").append(esc(c.b())).append("</td><td>")
                        .append(d.getKey()).append("</td><td class=\"num\">").append(ReportWriter.format(e.value()))
                        .append("</td><td class=\"num\">[").append(ReportWriter.format(e.low())).append(", ")
                        .append(ReportWriter.format(e.high())).append("]</td><td class=\"num\">")
                        .append(ReportWriter.formatP(d.getValue().pValue())).append("</td><td class=\"num\">")
                        .append(d.getKey().equals("auc") ? ReportWriter.formatP(c.delong().pValue()) : "")
                        .append("</td></tr>\n");
            }
        }
        html.append("</table>\n");
    }

    /** Draws all scorers' ROC curves on one chart, with the chance diagonal. */
    static String rocSvg(Evaluation evaluation) {
        int size = 360;
        int margin = 40;
        int plot = size - 2 * margin;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(size + 200).append("\" height=\"")
                .append(size).append("\" role=\"img\" aria-label=\"ROC curves\">");
        svg.append("<rect x=\"").append(margin).append("\" y=\"").append(margin).append("\" width=\"").append(plot)
                .append("\" height=\"").append(plot).append("\" fill=\"none\" stroke=\"#999\"/>");
        svg.append(line(margin, margin + plot, margin + plot, margin, "#bbb", "4 4"));
        for (int i = 0; i <= 4; i++) {
            double v = i / 4.0;
            int x = (int) Math.round(margin + v * plot);
            int y = (int) Math.round(margin + plot - v * plot);
            svg.append(text(x, margin + plot + 16, "middle", ReportWriter.format(v).substring(0, 4)));
            svg.append(text(margin - 6, y + 4, "end", ReportWriter.format(v).substring(0, 4)));
        }
        svg.append(text(margin + plot / 2, size - 4, "middle", "false positive rate"));
        svg.append("<text x=\"12\" y=\"").append(margin + plot / 2).append("\" text-anchor=\"middle\" transform=\""
                + "rotate(-90 12 ").append(margin + plot / 2).append(")\" font-size=\"12\">true positive rate</text>");
        List<Pair> pairs = evaluation.testPairs();
        int[] labels = new int[pairs.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = pairs.get(i).label();
        }
        int index = 0;
        for (Evaluation.ScorerResult r : evaluation.scorers()) {
            String colour = COLOURS[index % COLOURS.length];
            Metrics.RocCurve roc = Metrics.rocCurve(r.testScores(), labels);
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < roc.fpr().length; i++) {
                if (Double.isNaN(roc.fpr()[i]) || Double.isNaN(roc.tpr()[i])) {
                    continue;
                }
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", margin + roc.fpr()[i] * plot,
                        margin + plot - roc.tpr()[i] * plot));
            }
            svg.append("<polyline fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"2\" points=\"")
                    .append(points.toString().trim()).append("\"/>");
            int legendY = margin + 14 + index * 18;
            svg.append(line(size + 4, legendY - 4, size + 24, legendY - 4, colour, null));
            svg.append(text(size + 30, legendY, "start", r.name() + " (AUC "
                    + ReportWriter.format(r.test().get("auc").value()) + ")"));
            index++;
        }
        return svg.append("</svg>").toString();
    }

    /** Draws the histogram of one scorer's test scores, similar and dissimilar pairs overlaid, with the threshold. */
    static String histogramSvg(Evaluation.ScorerResult r, List<Pair> pairs) {
        double[] scores = r.testScores();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double s : scores) {
            min = Math.min(min, s);
            max = Math.max(max, s);
        }
        if (Double.isFinite(r.threshold())) {
            min = Math.min(min, r.threshold());
            max = Math.max(max, r.threshold());
        }
        if (!(max > min)) {
            max = min + 1;
        }
        int[][] counts = new int[2][HISTOGRAM_BINS];
        for (int i = 0; i < scores.length; i++) {
            int bin = (int) Math.min(HISTOGRAM_BINS - 1, Math.floor((scores[i] - min) / (max - min) * HISTOGRAM_BINS));
            counts[pairs.get(i).label()][bin]++;
        }
        int highest = 1;
        for (int[] row : counts) {
            for (int c : row) {
                highest = Math.max(highest, c);
            }
        }
        int width = 320;
        int height = 200;
        int margin = 30;
        int plotW = width - 2 * margin;
        int plotH = height - 2 * margin;
        double binW = (double) plotW / HISTOGRAM_BINS;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
                .append(height).append("\" role=\"img\" aria-label=\"score histogram of ").append(esc(r.name()))
                .append("\">");
        svg.append(text(width / 2, 14, "middle", r.name()));
        String[] fills = {"rgba(214,39,40,0.5)", "rgba(44,160,44,0.5)"};
        for (int label = 0; label < 2; label++) {
            for (int b = 0; b < HISTOGRAM_BINS; b++) {
                if (counts[label][b] == 0) {
                    continue;
                }
                double h = (double) counts[label][b] / highest * plotH;
                svg.append(String.format(Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
                        margin + b * binW, margin + plotH - h, binW, h, fills[label]));
            }
        }
        svg.append(line(margin, margin + plotH, margin + plotW, margin + plotH, "#999", null));
        if (Double.isFinite(r.threshold())) {
            double x = margin + (r.threshold() - min) / (max - min) * plotW;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#000\""
                    + " stroke-dasharray=\"4 3\"/>", x, margin, x, margin + plotH));
        }
        svg.append(text(margin, height - 8, "start", ReportWriter.format(min)));
        svg.append(text(margin + plotW, height - 8, "end", ReportWriter.format(max)));
        svg.append(text(margin - 4, margin + 10, "end", Integer.toString(highest)));
        return svg.append("</svg>\n").toString();
    }

    private static void examples(StringBuilder html, String title, List<Evaluation.Example> examples,
            Map<String, String> images, Function<String, byte[]> thumbnails) {
        html.append("<h4>").append(esc(title)).append("</h4>\n");
        if (examples.isEmpty()) {
            html.append("<p class=\"small\">none</p>\n");
            return;
        }
        html.append("<table>\n<tr><th>stickers</th><th>ids</th><th>score</th></tr>\n");
        for (Evaluation.Example example : examples) {
            Pair pair = example.pair();
            html.append("<tr><td class=\"pair\">").append(image(pair.stickerId(), images, thumbnails)).append(' ')
                    .append(image(pair.stickerId2(), images, thumbnails)).append("</td><td><code>")
                    .append(esc(pair.stickerId())).append("</code><br><code>").append(esc(pair.stickerId2()))
                    .append("</code></td><td class=\"num\">").append(ReportWriter.format(example.score()))
                    .append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    private static String image(String id, Map<String, String> images, Function<String, byte[]> thumbnails) {
        return images.computeIfAbsent(id, key -> {
            byte[] png = thumbnails.apply(key);
            if (png == null) {
                return "<span class=\"small\">(no image)</span>";
            }
            return "<img alt=\"" + esc(key) + "\" src=\"data:image/png;base64,"
                    + Base64.getEncoder().encodeToString(png) + "\">";
        });
    }

    private static void data(StringBuilder html, Evaluation evaluation) {
        Evaluation.Provenance p = evaluation.provenance();
        Evaluation.DataSummary d = evaluation.data();
        html.append("<h2>Data and provenance</h2>\n<ul>\n");
        html.append("<li>training pairs: <code>").append(esc(p.trainPairs().path())).append("</code>, ")
                .append(p.trainPairs().pairs()).append(" pairs (").append(p.trainPairs().positives())
                .append(" similar), sha256 <code>").append(p.trainPairs().sha256()).append("</code>; used ")
                .append(d.trainPairsUsed()).append(", dropped ").append(d.trainPairsDropped()).append("</li>\n");
        html.append("<li>test pairs: <code>").append(esc(p.testPairs().path())).append("</code>, ")
                .append(p.testPairs().pairs()).append(" pairs (").append(p.testPairs().positives())
                .append(" similar), sha256 <code>").append(p.testPairs().sha256()).append("</code>; used ")
                .append(d.testPairsUsed()).append(", dropped ").append(d.testPairsDropped()).append("</li>\n");
        html.append("<li>images: <code>").append(esc(p.images())).append("</code>, ").append(d.distinctStickers())
                .append(" distinct stickers, ").append(d.missingImages().size()).append(" missing, ")
                .append(d.undecodable().size()).append(" undecodable</li>\n");
        p.scorerIds().forEach((name, id) -> html.append("<li>").append(esc(name)).append(": ").append(esc(id))
                .append("</li>\n"));
        html.append("<li>threshold rule: ").append(esc(p.thresholdRule())).append("</li>\n");
        html.append("</ul>\n");
    }

    private static String line(double x1, double y1, double x2, double y2, String colour, String dash) {
        return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"%s/>",
                x1, y1, x2, y2, colour, dash == null ? "" : " stroke-dasharray=\"" + dash + "\"");
    }

    private static String text(int x, int y, String anchor, String content) {
        return "<text x=\"" + x + "\" y=\"" + y + "\" text-anchor=\"" + anchor + "\" font-size=\"12\">" + esc(content)
                + "</text>";
    }

    static String esc(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
