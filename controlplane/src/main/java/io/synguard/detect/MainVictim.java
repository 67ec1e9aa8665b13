package io.synguard.detect;

/**
 * The attack's main victim, interval by interval: the destination the most SYNs went to in its
 * latest interval with a flood. The calm tail of an attack, the flood gone, keeps the victim it had;
 * without an attack there is none.
 */
public final class MainVictim {
    private DestinationRates.DestinationRate victim;

    /** Takes an interval's verdict and destinations; the attack's main victim after it, or null. */
    public DestinationRates.DestinationRate update(Detector.Step step, DestinationRates.Destinations destinations) {
        if (!step.underAttack()) {
            victim = null;
        } else if (step.started() || !step.calm() || victim == null) {
            victim = destinations.busiest();
        }
        return victim;
    }
}
