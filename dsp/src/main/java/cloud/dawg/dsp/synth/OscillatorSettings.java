package cloud.dawg.dsp.synth;

import cloud.dawg.dsp.strip.InvalidParameterException;

/** One oscillator of a voice: shape, detune in cents (-1200..1200) and level (0..1). */
public record OscillatorSettings(Waveform wave, double detuneCents, double level) {
    public static final OscillatorSettings DEFAULT = new OscillatorSettings(Waveform.SAW, 0, 1);

    public OscillatorSettings {
        if (wave == null) {
            throw new InvalidParameterException("wave", "must be one of sine, saw, square, triangle");
        }
        if (!Double.isFinite(detuneCents) || detuneCents < -1200 || detuneCents > 1200) {
            throw new InvalidParameterException("detuneCents", detuneCents + " is outside -1200.0..1200.0");
        }
        if (!Double.isFinite(level) || level < 0 || level > 1) {
            throw new InvalidParameterException("level", level + " is outside 0.0..1.0");
        }
    }
}
