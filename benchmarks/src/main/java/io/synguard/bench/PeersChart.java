package io.synguard.bench;

import java.util.List;
import java.util.Locale;

/**
 * The peers benchmark as an SVG bar chart: per scenario, a bar per filter of what the device under
 * test took in (light) and dropped (dark), in Mpps, with the generator's rate marked.
 */
final class PeersChart {
    private static final int WIDTH = 880;
    private static final int LABEL = 110;
    private static final int BAR_SPACE = 640;
    private static final int ROW = 22;
    private static final int HEADER = 30;

    private PeersChart() {}

    static String svg(PeersBench.Report report) {
        List<PeersBench.Table> scenarios = report.tables();
        List<String> filters = report.filters();
        double max = 0;
        for (PeersBench.Table s : scenarios) {
            for (String f : filters) {
                if (!report.of(s, f).isEmpty()) {
                    max = Math.max(max, Math.max(report.median(s, f, PeersBench.Trial::rxMpps),
                            report.median(s, f, PeersBench.Trial::genMpps)));
                }
            }
        }
        double scale = BAR_SPACE / Math.max(max * 1.05, 0.001);
        int height = 60 + scenarios.size() * (HEADER + filters.size() * ROW) + 30;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
        svg.append("<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">SYN flood at the device under test, ")
                .append(escape(report.offered())).append(", Mpps (light: received, dark: dropped, tick: sent)</text>\n");
        svg.append("<text x=\"10\" y=\"42\" fill=\"#555\">").append(escape(Machine.current().describe())).append("</text>\n");
        int y = 60;
        for (PeersBench.Table s : scenarios) {
            svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\" font-weight=\"bold\">%s</text>%n", y + 18,
                    escape(s.toString())));
            y += HEADER;
            for (String f : filters) {
                if (report.of(s, f).isEmpty()) {
                    continue;
                }
                double rx = report.median(s, f, PeersBench.Trial::rxMpps);
                double drop = report.median(s, f, PeersBench.Trial::dropMpps);
                double sent = report.median(s, f, PeersBench.Trial::genMpps);
                String colour = f.equals("synguard") ? "#1f77b4" : "#7f7f7f";
                svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", LABEL - 6,
                        y + 15, escape(f)));
                svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"%s\" "
                        + "fill-opacity=\"0.35\"/>%n", LABEL, y + 3, rx * scale, colour));
                svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"%s\"/>%n",
                        LABEL, y + 3, drop * scale, colour));
                svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
                        LABEL + sent * scale, LABEL + sent * scale, y + 1, y + 21));
                svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%.2f / %.2f (%.2fx)</text>%n",
                        LABEL + Math.max(rx, sent) * scale + 6, y + 15, rx, drop, report.ratioToCeiling(s, f)));
                y += ROW;
            }
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\" fill=\"#555\">received / dropped Mpps (received, "
                + "as a ratio to xdp_drop in the same round); medians of interleaved rounds</text>%n", y + 20));
        return svg.append("</svg>\n").toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
