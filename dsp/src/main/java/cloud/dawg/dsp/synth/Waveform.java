package cloud.dawg.dsp.synth;

/** Oscillator shapes, each defined by its Fourier series (band-limited by truncation). */
public enum Waveform {
    SINE, SAW, SQUARE, TRIANGLE;

    /** Amplitude of harmonic {@code k} (1-based) of the ideal shape, as a sine series. */
    public double harmonic(int k) {
        return switch (this) {
            case SINE -> k == 1 ? 1 : 0;
            case SAW -> 2 / (Math.PI * k) * (k % 2 == 1 ? 1 : -1);
            case SQUARE -> k % 2 == 1 ? 4 / (Math.PI * k) : 0;
            case TRIANGLE -> k % 2 == 1 ? 8 / (Math.PI * Math.PI * k * k) * ((k - 1) / 2 % 2 == 0 ? 1 : -1) : 0;
        };
    }
}
