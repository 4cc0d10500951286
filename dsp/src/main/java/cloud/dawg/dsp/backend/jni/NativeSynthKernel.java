package cloud.dawg.dsp.backend.jni;

import cloud.dawg.dsp.backend.SynthKernel;
import cloud.dawg.dsp.backend.SynthLayout;

/**
 * The Java half of the native synth kernel: C renders straight on the layout's off-heap
 * columns and reads the shared wavetable array in place (pinned for the call), so a span of a
 * block costs one JNI call and no copies.
 */
final class NativeSynthKernel implements SynthKernel {
    // Layout columns and constants, so that C reads exactly what Java writes (see the generated header).
    static final int I_STAGE = SynthLayout.I_STAGE, I_POS = SynthLayout.I_POS, I_LEFT = SynthLayout.I_LEFT,
            I_PHASE = SynthLayout.I_PHASE, I_STEP = SynthLayout.I_STEP, I_TABLE = SynthLayout.I_TABLE;
    static final int D_START = SynthLayout.D_START, D_SLOPE = SynthLayout.D_SLOPE, D_GAIN = SynthLayout.D_GAIN;
    static final int F_IC1 = SynthLayout.F_IC1, F_IC2 = SynthLayout.F_IC2;
    static final int C_LEVEL0 = SynthLayout.C_LEVEL0, C_LEVEL1 = SynthLayout.C_LEVEL1,
            C_OSCILLATORS = SynthLayout.C_OSCILLATORS, C_FILTERED = SynthLayout.C_FILTERED,
            C_SVF_A1 = SynthLayout.C_SVF_A1, C_SVF_A2 = SynthLayout.C_SVF_A2, C_SVF_A3 = SynthLayout.C_SVF_A3,
            C_DECAY_FRAMES = SynthLayout.C_DECAY_FRAMES, C_DECAY_SLOPE = SynthLayout.C_DECAY_SLOPE,
            C_SUSTAIN = SynthLayout.C_SUSTAIN;
    static final int OFF = SynthLayout.OFF, ATTACK = SynthLayout.ATTACK, DECAY = SynthLayout.DECAY,
            SUSTAIN = SynthLayout.SUSTAIN, RELEASE = SynthLayout.RELEASE, FADING = SynthLayout.FADING;
    static final int ENDLESS = SynthLayout.ENDLESS, PHASE_SHIFT = SynthLayout.PHASE_SHIFT, LANES = SynthLayout.LANE_PADDING;

    private final long ints, doubles, floats, constants, out, accumulator;
    private final int rows, slots;
    private final float[] tables;

    NativeSynthKernel(SynthLayout layout, float[] tables) {
        this.ints = layout.ints().address();
        this.doubles = layout.doubles().address();
        this.floats = layout.floats().address();
        this.constants = layout.constants().address();
        this.out = layout.out().address();
        this.accumulator = layout.accumulator().address();
        this.rows = layout.rows();
        this.slots = layout.slots();
        this.tables = tables;
    }

    @Override
    public void render(int from, int to) {
        render(ints, doubles, floats, constants, accumulator, rows, slots, tables, from, to);
    }

    @Override
    public void finish(int frames) {
        finish(floats, out, accumulator, rows, frames);
    }

    @Override
    public void close() {
    }

    private static native void render(long ints, long doubles, long floats, long constants, long accumulator,
                                      int rows, int slots, float[] tables, int from, int to);

    private static native void finish(long floats, long out, long accumulator, int rows, int frames);
}
