package io.synguard.detect;

import io.synguard.config.Settings;
import io.synguard.dataplane.Counters;

import java.time.Duration;
import java.time.Instant;

/**
 * What synguard on an interface is doing, as the control loop publishes it: the attack and the
 * rates as judged at the last interval, the counters, mode and lists as they are when asked. Rates
 * are whole per-second figures. The API and the metrics each show it in their own shape.
 *
 * @param attachMode how the program is attached (native, generic)
 * @param totals     the data plane's counters since the program was loaded
 * @param cookies    the cookie step: its setting, whether it is on, how the kernel takes its handshakes
 * @param destinations where the SYNs of the last interval went
 */
public record Status(String iface, String attachMode, Settings.Mode mode, Duration uptime, Attack attack,
                     Counters.Snapshot totals, Rates rates, Lists lists, Cookies cookies,
                     DestinationRates.Destinations destinations) {

    /**
     * @param since         when the attack began; null without one
     * @param thresholdPps  the SYN rate an attack crosses
     * @param randomSources whether the attack comes from sources too scattered to block one by one;
     *                      false without an attack
     * @param peakSynPps    the attack's highest SYN rate; 0 without one
     * @param offenders     sources over their rate in the last interval
     * @param learningUntil when the baseline's learning ends, while it lasts; null once it is learnt
     * @param victim        the destination the attack's SYNs went to most, as its last interval with a
     *                      flood found; null without an attack
     */
    public record Attack(boolean active, Instant since, long synPps, long thresholdPps, boolean randomSources,
                         long baselinePps, long peakSynPps, long offenders, Instant learningUntil,
                         DestinationRates.DestinationRate victim) {}

    /** Frames, SYNs and dropped SYNs a second, over the last interval. */
    public record Rates(long packetsPps, long synPps, long droppedPps) {}

    /**
     * @param mode   the setting: off, auto, always
     * @param active whether SYNs are answered with cookies now
     * @param since  when it last went on or off; null if it never changed
     * @param method kfunc, kernel or unavailable
     */
    public record Cookies(Settings.Cookies mode, boolean active, Instant since, String method) {}

    /** The lists' sizes: blocks an operator made, blocks detection made, allows. */
    public record Lists(long blocksOperator, long blocksAuto, long allows) {}
}
