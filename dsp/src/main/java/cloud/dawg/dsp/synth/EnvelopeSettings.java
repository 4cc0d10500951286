package cloud.dawg.dsp.synth;

import cloud.dawg.dsp.strip.InvalidParameterException;

/** Linear ADSR: attack, decay and release in seconds (0..60), sustain level 0..1. */
public record EnvelopeSettings(double attack, double decay, double sustain, double release) {
    public static final EnvelopeSettings DEFAULT = new EnvelopeSettings(0.005, 0.1, 0.8, 0.2);

    public EnvelopeSettings {
        seconds("attack", attack);
        seconds("decay", decay);
        seconds("release", release);
        if (!Double.isFinite(sustain) || sustain < 0 || sustain > 1) {
            throw new InvalidParameterException("sustain", sustain + " is outside 0.0..1.0");
        }
    }

    private static void seconds(String field, double value) {
        if (!Double.isFinite(value) || value < 0 || value > 60) {
            throw new InvalidParameterException(field, value + " s is outside 0.0..60.0");
        }
    }
}
