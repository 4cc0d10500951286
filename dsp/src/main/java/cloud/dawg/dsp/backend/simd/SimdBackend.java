package cloud.dawg.dsp.backend.simd;

import cloud.dawg.dsp.backend.Backend;
import cloud.dawg.dsp.backend.MixKernel;
import cloud.dawg.dsp.backend.MixLayout;
import cloud.dawg.dsp.backend.SynthKernel;
import cloud.dawg.dsp.backend.SynthLayout;

/**
 * The Java Vector API backend: float32, whole blocks, one track (or synth voice) per SIMD lane. Available only
 * when the JVM was started with {@code --add-modules jdk.incubator.vector}; this class itself
 * never touches the module, so it can be asked without it.
 */
public final class SimdBackend implements Backend {
    public static final String NAME = "simd";
    private static final String MODULE = "jdk.incubator.vector";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Availability availability() {
        if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
            return Availability.no("the JVM was started without --add-modules " + MODULE);
        }
        int lanes = SimdMixKernel.lanes();
        if (lanes < 4) {
            return Availability.no("the preferred float vector has only " + lanes + " lanes here");
        }
        return Availability.yes(lanes + " float lanes per vector");
    }

    @Override
    public Capabilities capabilities() {
        boolean present = ModuleLayer.boot().findModule(MODULE).isPresent();
        int lanes = present ? SimdMixKernel.lanes() : 0;
        return new Capabilities(32, lanes, present ? "vector-api-" + lanes * 32 + "bit" : "none");
    }

    @Override
    public SynthKernel openSynth(SynthLayout layout, float[] tables) {
        requireAvailable();
        return new SimdSynthKernel(layout, tables);
    }

    @Override
    public MixKernel openMix(MixLayout layout, int sampleRate) {
        requireAvailable();
        return new SimdMixKernel(layout, sampleRate);
    }
}
