package cloud.dawg.dsp.synth;

import cloud.dawg.dsp.strip.InvalidParameterException;

/** The per-voice low-pass SVF: cutoff 20 Hz .. 0.45 fs (checked by the instrument), Q 0.1..18. */
public record FilterSettings(boolean active, double cutoffHz, double q) {
    public static final FilterSettings DEFAULT = new FilterSettings(false, 8000, Math.sqrt(0.5));

    public FilterSettings {
        if (!Double.isFinite(cutoffHz) || cutoffHz < 20) {
            throw new InvalidParameterException("cutoffHz", cutoffHz + " Hz is below 20 Hz");
        }
        if (!Double.isFinite(q) || q < 0.1 || q > 18) {
            throw new InvalidParameterException("q", q + " is outside 0.1..18.0");
        }
    }
}
