package cloud.dawg.dsp.backend;

/**
 * A way of running the mix DSP: scalar Java (the reference), the Java Vector API, or native
 * C through JNI. A backend that cannot run on this JVM or machine still exists and says why
 * in {@link #availability()}.
 */
public interface MixBackend {

    /** {@code scalar}, {@code simd} or {@code native}. */
    String name();

    Availability availability();

    /** What the backend runs with here: precision, vector width, instruction set. */
    Capabilities capabilities();

    /**
     * Creates the kernel for one session on the given layout.
     *
     * @throws IllegalStateException if the backend is unavailable
     */
    MixKernel open(MixLayout layout, int sampleRate);

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
