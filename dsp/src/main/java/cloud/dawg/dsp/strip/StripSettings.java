package cloud.dawg.dsp.strip;

/**
 * Everything a channel strip (or the master strip) is set to. Immutable; a change is a new
 * instance handed to the engine, which ramps to it without clicks.
 */
public record StripSettings(EqSettings eq, CompressorSettings comp, double gain, double pan,
                            boolean mono, boolean mute, boolean solo) {
    public static final double MAX_GAIN = 4;
    public static final StripSettings DEFAULT =
            new StripSettings(EqSettings.DEFAULT, CompressorSettings.DEFAULT, 1, 0, false, false, false);

    public StripSettings {
        if (eq == null) {
            throw new InvalidParameterException("eq", "must be given");
        }
        if (comp == null) {
            throw new InvalidParameterException("comp", "must be given");
        }
        InvalidParameterException.requireRange("gain", gain, 0, MAX_GAIN);
        InvalidParameterException.requireRange("pan", pan, -1, 1);
    }

    /** Checks the limits that depend on the sample rate (EQ frequencies up to 0.45 fs). */
    public StripSettings validateFor(int sampleRate) {
        eq.validateFor(sampleRate);
        return this;
    }

    public StripSettings withGain(double newGain) {
        return new StripSettings(eq, comp, newGain, pan, mono, mute, solo);
    }

    public StripSettings withPan(double newPan) {
        return new StripSettings(eq, comp, gain, newPan, mono, mute, solo);
    }

    public StripSettings withEq(EqSettings newEq) {
        return new StripSettings(newEq, comp, gain, pan, mono, mute, solo);
    }

    public StripSettings withComp(CompressorSettings newComp) {
        return new StripSettings(eq, newComp, gain, pan, mono, mute, solo);
    }

    public StripSettings withMute(boolean newMute) {
        return new StripSettings(eq, comp, gain, pan, mono, newMute, solo);
    }

    public StripSettings withSolo(boolean newSolo) {
        return new StripSettings(eq, comp, gain, pan, mono, mute, newSolo);
    }

    public StripSettings withMono(boolean newMono) {
        return new StripSettings(eq, comp, gain, pan, newMono, mute, solo);
    }
}
