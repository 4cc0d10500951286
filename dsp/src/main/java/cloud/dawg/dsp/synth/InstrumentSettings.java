package cloud.dawg.dsp.synth;

import cloud.dawg.dsp.strip.InvalidParameterException;

import java.util.List;

/**
 * An instrument: one or two oscillators, envelope, optional low-pass, gain (0..4) and the size of
 * its preallocated voice pool (1..8192).
 */
public record InstrumentSettings(List<OscillatorSettings> oscillators, EnvelopeSettings envelope,
                                 FilterSettings filter, double gain, int maxVoices) {
    public static final int MAX_VOICES = 8192;
    public static final InstrumentSettings DEFAULT = new InstrumentSettings(
            List.of(OscillatorSettings.DEFAULT), EnvelopeSettings.DEFAULT, FilterSettings.DEFAULT, 1, 64);

    public InstrumentSettings {
        if (oscillators == null || oscillators.isEmpty() || oscillators.size() > 2) {
            throw new InvalidParameterException("oscillators", "must hold one or two oscillators");
        }
        oscillators = List.copyOf(oscillators);
        if (envelope == null) {
            throw new InvalidParameterException("envelope", "must be given");
        }
        if (filter == null) {
            throw new InvalidParameterException("filter", "must be given");
        }
        if (!Double.isFinite(gain) || gain < 0 || gain > 4) {
            throw new InvalidParameterException("gain", gain + " is outside 0.0..4.0");
        }
        if (maxVoices < 1 || maxVoices > MAX_VOICES) {
            throw new InvalidParameterException("maxVoices", maxVoices + " is outside 1.." + MAX_VOICES);
        }
    }

    /** Checks the limits that depend on the sample rate. */
    public InstrumentSettings validateFor(int sampleRate) {
        if (filter.cutoffHz() > 0.45 * sampleRate) {
            throw new InvalidParameterException("filter.cutoffHz", filter.cutoffHz() + " Hz is above 0.45 * sampleRate = "
                    + 0.45 * sampleRate + " Hz");
        }
        return this;
    }
}
