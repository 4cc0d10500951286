package cloud.dawg.dsp.backend;

import cloud.dawg.dsp.strip.BiquadDesign;

/**
 * Keeps the float32 backends' SVF EQ identical to the reference's Direct Form I when the EQ's
 * coefficients change during a ramp. Both float kernels store, per row, the SVF states and each
 * stage's last two inputs and outputs in the same component layout; after the engine writes new
 * coefficients for a row, {@link #retune} sets every SVF state to the one that continues as the
 * reference does with the new coefficients (see BiquadDesign#svfStateFromHistory).
 */
public final class SvfRetune {
    /** Component layout shared by the float kernels: SVF states, compressor gain pair, history. */
    public static final int IC = 0;           // side * 6 + stage * 2 + (0: ic1, 1: ic2)
    public static final int GAIN_HI = 12, GAIN_LO = 13;
    /** side * 8 + signal * 2 + age: signal 0 = stage 1 input, 1..3 = stage 1..3 output; age 0 = last frame, 1 = the one before. */
    public static final int HISTORY = 14;
    public static final int COMPONENTS = 30;

    /** A kernel's per-row float state, component-major ({@code component * stride + row}). */
    public interface FloatState {
        float get(int component, int row);

        void set(int component, int row, float value);
    }

    private final double[] df1 = new double[BiquadDesign.DF1_SIZE];
    private final double[] svf = new double[BiquadDesign.SVF_SIZE];
    private final double[] solved = new double[6];

    /** Re-derives a row's six SVF states from its history under the coefficients now in the layout. */
    public void retune(MixLayout layout, int row, FloatState state) {
        for (int stage = 0; stage < 3; stage++) {
            for (int c = 0; c < BiquadDesign.DF1_SIZE; c++) {
                df1[c] = layout.getDouble(MixLayout.D_DF1 + stage * BiquadDesign.DF1_SIZE + c, row);
            }
            for (int c = 0; c < BiquadDesign.SVF_SIZE; c++) {
                svf[c] = layout.getFloat(MixLayout.F_SVF + stage * BiquadDesign.SVF_SIZE + c, row); // what the kernel uses
            }
            for (int side = 0; side < 2; side++) {
                int h = HISTORY + side * 8 + stage * 2;
                double x1 = state.get(h, row), x2 = state.get(h + 1, row);
                double y1 = state.get(h + 2, row), y2 = state.get(h + 3, row);
                if (BiquadDesign.svfStateFromHistory(df1, 0, svf, 0, x1, x2, y1, y2, solved)) {
                    int ic = IC + side * 6 + stage * 2;
                    state.set(ic, row, (float) solved[0]);
                    state.set(ic + 1, row, (float) solved[1]);
                }
            }
        }
    }
}
