package cloud.dawg.dsp.strip;

/**
 * One EQ band: centre or corner frequency in Hz, gain in dB and, for the peaking band, Q.
 * Shelves ignore {@code q} (they use the cookbook's shelf slope S = 1).
 */
public record EqBand(double freq, double gainDb, double q) {
    public static final double MIN_FREQ = 10;
    /** Highest frequency as a fraction of the sample rate. */
    public static final double MAX_FREQ_RATIO = 0.45;
    public static final double MIN_GAIN_DB = -24;
    public static final double MAX_GAIN_DB = 24;
    public static final double MIN_Q = 0.1;
    public static final double MAX_Q = 18;
    public static final double DEFAULT_Q = Math.sqrt(0.5);

    public EqBand {
        InvalidParameterException.requireRange("gainDb", gainDb, MIN_GAIN_DB, MAX_GAIN_DB);
        InvalidParameterException.requireRange("q", q, MIN_Q, MAX_Q);
        if (!Double.isFinite(freq) || freq < MIN_FREQ) {
            throw new InvalidParameterException("freq", freq + " is below " + MIN_FREQ + " Hz");
        }
    }


    /** Checks the upper frequency limit, which depends on the sample rate. */
    void validateFor(String band, int sampleRate) {
        double max = MAX_FREQ_RATIO * sampleRate;
        if (freq > max) {
            throw new InvalidParameterException(band + ".freq",
                    freq + " Hz is above 0.45 * sampleRate = " + max + " Hz");
        }
    }
}
