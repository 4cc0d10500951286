package cloud.dawg.dsp.strip;

/** The three-band EQ: low shelf, peaking mid, high shelf, each side with its own filter state. */
public record EqSettings(boolean active, EqBand low, EqBand mid, EqBand high) {
    public static final EqSettings DEFAULT = new EqSettings(false,
            new EqBand(200, 0, EqBand.DEFAULT_Q),
            new EqBand(1000, 0, EqBand.DEFAULT_Q),
            new EqBand(5000, 0, EqBand.DEFAULT_Q));

    public EqSettings {
        if (low == null || mid == null || high == null) {
            throw new InvalidParameterException("eq", "every band must be given");
        }
    }

    void validateFor(int sampleRate) {
        low.validateFor("eq.low", sampleRate);
        mid.validateFor("eq.mid", sampleRate);
        high.validateFor("eq.high", sampleRate);
    }

    public EqSettings withActive(boolean on) {
        return new EqSettings(on, low, mid, high);
    }

}
