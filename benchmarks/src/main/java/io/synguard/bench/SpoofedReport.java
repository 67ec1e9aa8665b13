package io.synguard.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * The spoofed sweep's figures: medians over rounds per protection and flood, each protection's
 * capacity beside the kernel's in the same rounds, and the targets met or not.
 */
final class SpoofedReport {
    private final List<SpoofedSweep.Trial> trials;
    private final double[] shares;

    SpoofedReport(List<SpoofedSweep.Trial> trials, double[] shares) {
        this.trials = trials;
        this.shares = shares;
    }

    /** One protection under one spoofed flood in the JSON: medians over its rounds; null where there is no figure. */
    record Row(String flood, String protection, long ratePps, double genMpps, double rxMpps, double answeredMpps,
               double legitSuccessPct, Double connectP50Ms, Double connectP99Ms, int repeats) {}

    /**
     * A protection's capacity (or parse_tx's): SYNs answered a second flat out, over the kernel's and
     * over parse_tx's (XDP_TX, no cookie) in the same rounds; beside it what the device took in, and
     * that over the ceiling's (XDP_DROP) take (medians).
     */
    record Capacity(String protection, double answeredMpps, double ratioToKernel, double ratioToParseTx,
                    double receivedMpps, double shareOfCeiling) {}

    /** The targets: synguard's capacity over the kernel's, and legitimate success at 80 % of synguard's capacity. */
    record Targets(double capacityRatio, boolean capacityMet, double synguardSuccessPct, double kernelSuccessPct,
                   boolean serviceMet) {}

    List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (double share : floods()) {
            for (String p : SpoofedSweep.PROTECTIONS) {
                List<SpoofedSweep.Trial> of = of(p, share);
                if (!of.isEmpty()) {
                    rows.add(new Row(of.getFirst().floodText(), p, Math.round(median(of, t -> t.ratePps())),
                            median(of, SpoofedSweep.Trial::genPps) / 1e6, median(of, SpoofedSweep.Trial::rxPps) / 1e6,
                            median(of, SpoofedSweep.Trial::answeredPps) / 1e6, median(of, t -> t.legit().successPct()),
                            Stats.orNull(median(of, t -> t.legit().p50Ms())), Stats.orNull(median(of, t -> t.legit().p99Ms())),
                            of.size()));
                }
            }
        }
        return rows;
    }

    List<Capacity> capacities() {
        double[] kernel = flatOut("kernel", SpoofedSweep.Trial::answeredPps);
        double[] reflector = flatOut(SpoofedSweep.REFLECTOR, SpoofedSweep.Trial::answeredPps);
        double[] ceiling = flatOut(SpoofedSweep.CEILING, SpoofedSweep.Trial::rxPps);
        List<Capacity> c = new ArrayList<>();
        for (String p : Stream.concat(Stream.of(SpoofedSweep.REFLECTOR), SpoofedSweep.PROTECTIONS.stream()).toList()) {
            double[] answered = flatOut(p, SpoofedSweep.Trial::answeredPps);
            double[] received = flatOut(p, SpoofedSweep.Trial::rxPps);
            c.add(new Capacity(p, Stats.median(answered) / 1e6, medianRatio(answered, kernel), medianRatio(answered, reflector),
                    Stats.median(received) / 1e6, medianRatio(received, ceiling)));
        }
        return c;
    }

    /** What the device took in flat out with XDP_DROP, Mpps (median). */
    double ceilingMpps() {
        return Stats.median(flatOut(SpoofedSweep.CEILING, SpoofedSweep.Trial::rxPps)) / 1e6;
    }

    Targets targets() {
        double ratio = capacities().stream().filter(c -> c.protection().equals("synguard")).findFirst()
                .map(Capacity::ratioToKernel).orElse(Double.NaN);
        Sweep.Verdict v = new Sweep.Verdict(ratio, success("synguard"), success("kernel"));
        return new Targets(v.capacityRatio(), v.capacityMet(), v.synguardSuccessPct(), v.kernelSuccessPct(), v.serviceMet());
    }

    String markdown() {
        StringBuilder sb = new StringBuilder("Spoofed floods (random sources in ").append(SpoofedSweep.SPOOFED.base())
                .append("), smooth below flat out, at shares of synguard's cookie capacity measured flat out (the median of the rounds so far);"
                        + " the device's NAPI on a CPU of its own; medians:\n\n");
        sb.append("| flood | protection | rate asked | sent Mpps | received Mpps | answered Mpps | legit success | p50 ms | p99 ms |\n")
                .append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows()) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2f | %.2f | %.3f | %.1f%% | %s | %s |%n", r.flood(),
                    r.protection(), r.ratePps() == 0 ? "-" : String.format(Locale.ROOT, "%,d", r.ratePps()), r.genMpps(),
                    r.rxMpps(), r.answeredMpps(), r.legitSuccessPct(), fmt(r.connectP50Ms()), fmt(r.connectP99Ms())));
        }
        sb.append(String.format(Locale.ROOT, "%nFlat out the device took in %.2f Mpps with XDP_DROP (the ceiling); parse_tx "
                + "(parses as synguard does, sends each SYN back with XDP_TX, no cookie) is the answering reference.%n",
                ceilingMpps()));
        sb.append("\n| capacity (flat out) | answered Mpps | x kernel | x parse_tx | received Mpps | x ceiling |\n"
                + "|---|---:|---:|---:|---:|---:|\n");
        for (Capacity c : capacities()) {
            sb.append(String.format(Locale.ROOT, "| %s | %.3f | %.2f | %.2f | %.2f | %.2f |%n", c.protection(), c.answeredMpps(),
                    c.ratioToKernel(), c.ratioToParseTx(), c.receivedMpps(), c.shareOfCeiling()));
        }
        Targets t = targets();
        sb.append(String.format(Locale.ROOT, "%nTargets: synguard's capacity %.1fx the kernel's (>= %.0fx: %s); at %.0f%% of it, "
                        + "legitimate success %.1f%% with synguard (>= %.0f%%), %.1f%% with the kernel alone (< %.0f%%): %s%n",
                t.capacityRatio(), Sweep.TARGET_CAPACITY_RATIO, t.capacityMet() ? "met" : "NOT met", Sweep.TARGET_SHARE * 100,
                t.synguardSuccessPct(), Sweep.TARGET_SYNGUARD_SUCCESS_PCT, t.kernelSuccessPct(), Sweep.TARGET_KERNEL_SUCCESS_PCT,
                t.serviceMet() ? "met" : "NOT met"));
        return sb.toString();
    }

    /** The floods in the order reported: flat out (NaN), then the shares. */
    private List<Double> floods() {
        List<Double> f = new ArrayList<>(List.of(Double.NaN));
        for (double s : shares) {
            f.add(s);
        }
        return f;
    }

    private double success(String protection) {
        return median(of(protection, Sweep.TARGET_SHARE), t -> t.legit().successPct());
    }

    /** A figure of a protection's flat-out trials, round by round. */
    private double[] flatOut(String protection, ToDoubleFunction<SpoofedSweep.Trial> field) {
        Map<Integer, Double> byRound = new LinkedHashMap<>();
        of(protection, Double.NaN).forEach(t -> byRound.put(t.round(), field.applyAsDouble(t)));
        return byRound.values().stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The median of a / b taken within each round; NaN where they differ in rounds. */
    private static double medianRatio(double[] a, double[] b) {
        double[] ratios = Stats.ratios(a, b);
        return ratios == null ? Double.NaN : Stats.median(ratios);
    }

    private List<SpoofedSweep.Trial> of(String protection, double share) {
        return trials.stream().filter(t -> t.protection().equals(protection)
                && (Double.isNaN(share) ? t.flatOut() : t.share() == share)).toList();
    }

    private static double median(List<SpoofedSweep.Trial> trials, ToDoubleFunction<SpoofedSweep.Trial> field) {
        return Stats.median(trials.stream().mapToDouble(field).filter(d -> !Double.isNaN(d)).toArray());
    }

    private static String fmt(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }
}
