package cloud.dawg.dsp.backend;

/**
 * A way of running the DSP, mixer and synth alike: scalar Java (the reference), the Java
 * Vector API, or native C through JNI. A backend that cannot run on this JVM or machine still
 * exists and says why in {@link #availability()}.
 */
public interface Backend {

    /** {@code scalar}, {@code simd} or {@code native}. */
    String name();

    Availability availability();

    /** What the backend runs with here: precision, vector width, instruction set. */
    Capabilities capabilities();

    /**
     * The exact arithmetic this backend runs here, e.g. {@code simd/vector-api-256bit/8x32}: its
     * name, instruction set, lanes and precision. Backends are only equal within tolerance across
     * machines (a 16-lane bus sums in another order than an 8-lane one; the scalar filters fuse
     * multiply-adds only where the CPU has them), so anything that names an output by its inputs,
     * like a render cache, must name the arithmetic too: the same arithmetic gives the same bits.
     */
    default String arithmetic() {
        Capabilities c = capabilities();
        return name() + "/" + c.isa() + "/" + c.lanes() + "x" + c.precisionBits();
    }

    /** For {@code open*}: refuses an unavailable backend with its reason. */
    default void requireAvailable() {
        Availability availability = availability();
        if (!availability.available()) {
            throw new IllegalStateException(name() + " backend unavailable: " + availability.reason());
        }
    }

    /**
     * Creates the mix kernel for one session on the given layout.
     *
     * @throws IllegalStateException if the backend is unavailable
     */
    MixKernel openMix(MixLayout layout, int sampleRate);

    /**
     * Creates the synth kernel for one instrument on the given layout, reading the shared
     * wavetables {@code tables} (see {@code Wavetables.data()}), which it must not change.
     *
     * @throws IllegalStateException if the backend is unavailable
     */
    SynthKernel openSynth(SynthLayout layout, float[] tables);

    /** Whether a backend can run, and if not, why (for people and for the backend selector). */
    record Availability(boolean available, String reason) {
        public static Availability yes(String how) {
            return new Availability(true, how);
        }

        public static Availability no(String reason) {
            return new Availability(false, reason);
        }
    }

    /** Precision in bits of the arithmetic, lanes per vector (1 for scalar), and the ISA used. */
    record Capabilities(int precisionBits, int lanes, String isa) {
    }
}
