package cloud.dawg.dsp.backend.jni;

import cloud.dawg.dsp.backend.Backend;
import cloud.dawg.dsp.backend.MixKernel;
import cloud.dawg.dsp.backend.MixLayout;
import cloud.dawg.dsp.backend.SynthKernel;
import cloud.dawg.dsp.backend.SynthLayout;

import java.util.List;

/**
 * C through JNI: one call per block (or ramp chunk) for all tracks, the bus and the master, and
 * one per block (or note-event span) for all of an instrument's voices, on the layouts' off-heap memory, with AVX-512, AVX2 or baseline x86-64 code chosen at load time
 * and flush-to-zero set for the call. Unavailable (with the reason) where the library is
 * missing or does not load; it never takes the JVM down.
 */
public final class NativeBackend implements Backend {
    public static final String NAME = "native";
    private static volatile NativeBackend shared;

    private final NativeLibrary library;

    private NativeBackend(NativeLibrary library) {
        this.library = library;
    }

    /** The backend for the library shipped in the jar, loaded once per JVM. */
    public static NativeBackend shared() {
        NativeBackend backend = shared;
        if (backend == null) {
            synchronized (NativeBackend.class) {
                if (shared == null) {
                    shared = new NativeBackend(NativeLibrary.load());
                }
                backend = shared;
            }
        }
        return backend;
    }

    /** A backend for another library resource: for tests of a library that is missing or broken. */
    static NativeBackend fromResource(String resource) {
        return new NativeBackend(NativeLibrary.load(resource));
    }

    /**
     * Runs at most the given code ({@code baseline}, {@code avx2} or {@code avx512}) from the
     * next block on, in every native kernel of this JVM, and never more than the CPU runs: for
     * tests and diagnosis (the {@code dawg.native.isa} property or {@code DAWG_NATIVE_ISA} does it
     * at load). Returns the code now used.
     *
     * @throws IllegalArgumentException for another name
     */
    public String limitIsa(String isa) {
        requireAvailable();
        int level = NativeLibrary.ISAS.indexOf(isa);
        if (level < 0) {
            throw new IllegalArgumentException("no native code level '" + isa + "'; there are " + NativeLibrary.ISAS);
        }
        return NativeLibrary.ISAS.get(NativeMixKernel.limitIsa(level));
    }

    /** The code levels this CPU runs, least capable first. */
    public List<String> supportedIsas() {
        requireAvailable();
        return NativeLibrary.ISAS.subList(0, NativeMixKernel.supportedIsa() + 1);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Availability availability() {
        return new Availability(library.loaded(), library.reason());
    }

    @Override
    public Capabilities capabilities() {
        if (!library.loaded()) {
            return new Capabilities(32, 0, "none");
        }
        String isa = NativeMixKernel.isa();
        return new Capabilities(32, isa.equals("avx512") ? 16 : isa.equals("avx2") ? 8 : 4, isa);
    }

    @Override
    public SynthKernel openSynth(SynthLayout layout, float[] tables) {
        requireAvailable();
        return new NativeSynthKernel(layout, tables);
    }

    @Override
    public MixKernel openMix(MixLayout layout, int sampleRate) {
        requireAvailable();
        return new NativeMixKernel(layout, sampleRate);
    }
}
