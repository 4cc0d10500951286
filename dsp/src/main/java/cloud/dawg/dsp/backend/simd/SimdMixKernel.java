package cloud.dawg.dsp.backend.simd;

import cloud.dawg.dsp.backend.InputSanitiser;
import cloud.dawg.dsp.backend.MixKernel;
import cloud.dawg.dsp.backend.MixLayout;
import cloud.dawg.dsp.backend.SvfRetune;
import cloud.dawg.dsp.backend.scalar.ReferenceStrip;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Tracks in lanes: each vector holds the same frame (or coefficient, or state) of
 * {@code lanes} adjacent tracks, so a strip's whole chain runs on {@code lanes} tracks at once
 * with no shuffles. Track counts that are not a multiple of the lane count use the padding
 * lanes of the layout, whose matrices are zero. The EQ runs as trapezoidal SVFs with the
 * reference's transfer function (see BiquadDesign.toSvf); the compressor gain is kept as a
 * float pair (hi + lo) so that its slow release does not stall on float32 rounding.
 * The master strip, a single strip, runs in double through {@link ReferenceStrip}.
 */
final class SimdMixKernel implements MixKernel, SvfRetune.FloatState {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final float FLUSH_BELOW = 1e-30f;
    // state components (shared layout, see SvfRetune), each a row-indexed array of stride floats
    private static final int IC = SvfRetune.IC, GAIN_HI = SvfRetune.GAIN_HI, GAIN_LO = SvfRetune.GAIN_LO;
    private static final int HISTORY = SvfRetune.HISTORY, COMPONENTS = SvfRetune.COMPONENTS;

    private final MixLayout layout;
    private final int stride, rows;
    private final float[] state;
    private final float[] busLeft, busRight; // per frame, lanes partial sums
    private final float[] eqLeft, eqRight;   // per frame, the group's EQ output
    private final float[] meterScratch;      // peak L, peak R, sum L, sum R for one group
    private final float attack, release;
    private final ReferenceStrip master;
    private final SvfRetune retuner = new SvfRetune();

    static int lanes() {
        return S.length();
    }

    SimdMixKernel(MixLayout layout, int sampleRate) {
        this.layout = layout;
        this.stride = layout.stride();
        this.rows = layout.rows();
        this.state = new float[COMPONENTS * stride];
        this.busLeft = new float[layout.maxFrames() * S.length()];
        this.busRight = new float[layout.maxFrames() * S.length()];
        this.eqLeft = new float[layout.maxFrames() * S.length()];
        this.eqRight = new float[layout.maxFrames() * S.length()];
        this.meterScratch = new float[4 * S.length()];
        this.attack = (float) (1 - Math.exp(-1 / (0.003 * sampleRate)));
        this.release = (float) (1 - Math.exp(-1 / (0.1 * sampleRate)));
        this.master = new ReferenceStrip(sampleRate, new double[layout.maxFrames()], new double[layout.maxFrames()]);
        resetAll();
    }

    /** Cleans the staged block in place and transposes it into the tracks-in-lanes {@code in*}. */
    @Override
    public long ingest(int frames, int liveRows) {
        long report = InputSanitiser.cleanStaged(layout, frames, liveRows, VectorUnusualScan.INSTANCE);
        StagedTranspose.moveIn(layout, frames, liveRows);
        return report;
    }

    @Override
    public void process(int offset, int frames, int liveRows, boolean withMaster) {
        int lanes = S.length();
        for (int group = 0; group < liveRows; group += lanes) {
            processGroup(group, offset, frames, group == 0);
        }
        if (liveRows == 0) {
            Arrays.fill(busLeft, 0, frames * lanes, 0f);
            Arrays.fill(busRight, 0, frames * lanes, 0f);
        }
        MemorySegment mixL = layout.mixLeft(), mixR = layout.mixRight();
        for (int i = 0; i < frames; i++) {
            float l = FloatVector.fromArray(S, busLeft, i * lanes).reduceLanes(VectorOperators.ADD);
            float r = FloatVector.fromArray(S, busRight, i * lanes).reduceLanes(VectorOperators.ADD);
            mixL.setAtIndex(ValueLayout.JAVA_FLOAT, offset + i, l);
            mixR.setAtIndex(ValueLayout.JAVA_FLOAT, offset + i, r);
        }
        if (withMaster && master.process(layout, layout.masterRow(), mixL, mixR, offset, 1, mixL, mixR, offset, 1, frames)) {
            layout.countReset(layout.masterRow());
        }
    }

    /**
     * One group of lanes in three small passes (left EQ, right EQ, dynamics and output) through
     * L1-resident scratch: small methods keep C2 inlining every Vector API call, which one big
     * loop body exceeded (the vectors then stayed boxed, 100x slower). For the same reason the
     * hot methods call the Vector API directly, never through helpers that take or return
     * vectors: a helper C2 declines to inline boxes its vectors on every call.
     */
    private void processGroup(int group, int offset, int frames, boolean firstGroup) {
        equalise(group, offset, frames, layout.inLeft(), IC, HISTORY, eqLeft);
        equalise(group, offset, frames, layout.inRight(), IC + 6, HISTORY + 8, eqRight);
        dynamics(group, offset, frames, firstGroup);
        sanitise(group);
    }

    /** Byte offset of a group's first lane in a float parameter column (a long: nothing to box). */
    private long paramOffset(int column, int group) {
        return ((long) column * rows + group) * Float.BYTES;
    }

    /** Low shelf, peak and high shelf as trapezoidal SVFs for one side of one group. */
    private void equalise(int group, int offset, int frames, MemorySegment in, int stateBase, int historyBase, float[] out) {
        if (frames == 1) { // the frame before this one is the last one of the previous chunk
            for (int signal = 0; signal < 4; signal++) {
                int from = (historyBase + 2 * signal) * stride + group;
                System.arraycopy(state, from, state, from + stride, S.length());
            }
        }
        final int lanes = S.length();
        MemorySegment p = layout.floatParams();
        final FloatVector la1 = FloatVector.fromMemorySegment(S, p, paramOffset(MixLayout.F_SVF, group), ORDER), la2 = FloatVector.fromMemorySegment(S, p, paramOffset(MixLayout.F_SVF + 1, group), ORDER),
                la3 = FloatVector.fromMemorySegment(S, p, paramOffset(MixLayout.F_SVF + 2, group), ORDER), lm0 = FloatVector.fromMemorySegment(S, p, paramOffset(MixLayout.F_SVF + 3, group), ORDER),
                lm1 = FloatVector.fromMemorySegment(S, p, paramOffset(MixLayout.F_SVF + 4, group), ORDER), lm2 = FloatVector.fromMemorySegment(S, p, paramOffset(MixLayout.F_SVF + 5, group), ORDER);
        final FloatVector ma1 = FloatVector.fromMemorySegment(S, p, paramOffset(MixLayout.F_SVF + 6, group), ORDER), ma2 = FloatVector.fromMemorySegment(S, p, paramOffset(MixLayout.F_SVF + 7, group), ORDER),
                ma3 = FloatVector.fromMemorySegment(S, p, paramOffset(MixLayout.F_SVF + 8, group), ORDER), mm0 = FloatVector.fromMemorySegment(S, p, paramOffset(MixLayout.F_SVF + 9, group), ORDER),
                mm1 = FloatVector.fromMemorySegment(S, p, paramOffset(MixLayout.F_SVF + 10, group), ORDER), mm2 = FloatVector.fromMemorySegment(S, p, paramOffset(MixLayout.F_SVF + 11, group), ORDER);
        final FloatVector ha1 = FloatVector.fromMemorySegment(S, p, paramOffset(MixLayout.F_SVF + 12, group), ORDER), ha2 = FloatVector.fromMemorySegment(S, p, paramOffset(MixLayout.F_SVF + 13, group), ORDER),
                ha3 = FloatVector.fromMemorySegment(S, p, paramOffset(MixLayout.F_SVF + 14, group), ORDER), hm0 = FloatVector.fromMemorySegment(S, p, paramOffset(MixLayout.F_SVF + 15, group), ORDER),
                hm1 = FloatVector.fromMemorySegment(S, p, paramOffset(MixLayout.F_SVF + 16, group), ORDER), hm2 = FloatVector.fromMemorySegment(S, p, paramOffset(MixLayout.F_SVF + 17, group), ORDER);
        FloatVector s1a = FloatVector.fromArray(S, state, (stateBase) * stride + group), s1b = FloatVector.fromArray(S, state, (stateBase + 1) * stride + group), s2a = FloatVector.fromArray(S, state, (stateBase + 2) * stride + group),
                    s2b = FloatVector.fromArray(S, state, (stateBase + 3) * stride + group), s3a = FloatVector.fromArray(S, state, (stateBase + 4) * stride + group), s3b = FloatVector.fromArray(S, state, (stateBase + 5) * stride + group);
        long at = ((long) offset * stride + group) * Float.BYTES;
        long step = (long) stride * Float.BYTES;
        for (int i = 0; i < frames; i++, at += step) {
            FloatVector x = FloatVector.fromMemorySegment(S, in, at, ORDER);
            FloatVector input = x;
            // v3 = x - ic2, v1 = a1 ic1 + a2 v3 (as ic1 + (a1 - 1) ic1 + a2 v3), v2 = ic2 + a2 ic1 + a3 v3,
            // ic1 = 2 v1 - ic1, ic2 = 2 v2 - ic2, y = m0 x + m1 v1 + m2 v2
            FloatVector v3 = x.sub(s1b);
            FloatVector v1 = la2.fma(v3, la1.fma(s1a, s1a));
            FloatVector v2 = la3.fma(v3, la2.fma(s1a, s1b));
            s1a = v1.add(v1).sub(s1a);
            s1b = v2.add(v2).sub(s1b);
            x = lm2.fma(v2, lm1.fma(v1, lm0.mul(x)));
            FloatVector low = x;
            v3 = x.sub(s2b);
            v1 = ma2.fma(v3, ma1.fma(s2a, s2a));
            v2 = ma3.fma(v3, ma2.fma(s2a, s2b));
            s2a = v1.add(v1).sub(s2a);
            s2b = v2.add(v2).sub(s2b);
            x = mm2.fma(v2, mm1.fma(v1, mm0.mul(x)));
            FloatVector mid = x;
            v3 = x.sub(s3b);
            v1 = ha2.fma(v3, ha1.fma(s3a, s3a));
            v2 = ha3.fma(v3, ha2.fma(s3a, s3b));
            s3a = v1.add(v1).sub(s3a);
            s3b = v2.add(v2).sub(s3b);
            FloatVector high = hm2.fma(v2, hm1.fma(v1, hm0.mul(x)));
            high.intoArray(out, i * lanes);
            if (i >= frames - 2) { // each stage's last two inputs and outputs, for SvfRetune
                int age = i == frames - 1 ? 0 : 1;
                input.intoArray(state, (historyBase + age) * stride + group);
                low.intoArray(state, (historyBase + 2 + age) * stride + group);
                mid.intoArray(state, (historyBase + 4 + age) * stride + group);
                high.intoArray(state, (historyBase + 6 + age) * stride + group);
            }
        }
        s1a.intoArray(state, (stateBase) * stride + group);
        s1b.intoArray(state, (stateBase + 1) * stride + group);
        s2a.intoArray(state, (stateBase + 2) * stride + group);
        s2b.intoArray(state, (stateBase + 3) * stride + group);
        s3a.intoArray(state, (stateBase + 4) * stride + group);
        s3b.intoArray(state, (stateBase + 5) * stride + group);
    }

    /** Compressor (one gain per track), output matrix, track outputs and the bus partial sums. */
    private void dynamics(int group, int offset, int frames, boolean firstGroup) {
        final int lanes = S.length();
        MemorySegment p = layout.floatParams();
        final VectorMask<Float> idle = FloatVector.fromMemorySegment(S, p, paramOffset(MixLayout.F_COMP_ENGAGED, group), ORDER).compare(VectorOperators.EQ, 0f);
        final FloatVector threshold = FloatVector.fromMemorySegment(S, p, paramOffset(MixLayout.F_COMP_THRESHOLD, group), ORDER);
        final FloatVector slope = FloatVector.fromMemorySegment(S, p, paramOffset(MixLayout.F_COMP_SLOPE, group), ORDER);
        final FloatVector bll = FloatVector.fromMemorySegment(S, p, paramOffset(MixLayout.F_MATRIX_BASE, group), ORDER), blr = FloatVector.fromMemorySegment(S, p, paramOffset(MixLayout.F_MATRIX_BASE + 1, group), ORDER),
                brl = FloatVector.fromMemorySegment(S, p, paramOffset(MixLayout.F_MATRIX_BASE + 2, group), ORDER), brr = FloatVector.fromMemorySegment(S, p, paramOffset(MixLayout.F_MATRIX_BASE + 3, group), ORDER);
        final FloatVector sll = FloatVector.fromMemorySegment(S, p, paramOffset(MixLayout.F_MATRIX_STEP, group), ORDER), slr = FloatVector.fromMemorySegment(S, p, paramOffset(MixLayout.F_MATRIX_STEP + 1, group), ORDER),
                srl = FloatVector.fromMemorySegment(S, p, paramOffset(MixLayout.F_MATRIX_STEP + 2, group), ORDER), srr = FloatVector.fromMemorySegment(S, p, paramOffset(MixLayout.F_MATRIX_STEP + 3, group), ORDER);
        final boolean ramping = sll.compare(VectorOperators.NE, 0f).or(slr.compare(VectorOperators.NE, 0f))
                .or(srl.compare(VectorOperators.NE, 0f)).or(srr.compare(VectorOperators.NE, 0f)).anyTrue();
        final FloatVector quietLevel = FloatVector.broadcast(S, 0.001f);
        final FloatVector one = FloatVector.broadcast(S, 1f);
        final FloatVector quietRate = FloatVector.broadcast(S, 0.003f);
        final FloatVector attackRate = FloatVector.broadcast(S, attack);
        final FloatVector releaseRate = FloatVector.broadcast(S, release);
        Arrays.fill(meterScratch, 0f);
        FloatVector gHi = FloatVector.fromArray(S, state, GAIN_HI * stride + group);
        FloatVector gLo = FloatVector.fromArray(S, state, GAIN_LO * stride + group);
        MemorySegment outL = layout.outLeft(), outR = layout.outRight();
        long at = ((long) offset * stride + group) * Float.BYTES;
        long step = (long) stride * Float.BYTES;
        for (int i = 0; i < frames; i++, at += step) {
            int b = i * lanes;
            FloatVector left = FloatVector.fromArray(S, eqLeft, b);
            FloatVector right = FloatVector.fromArray(S, eqRight, b);
            FloatVector level = left.abs().max(right.abs());
            VectorMask<Float> quiet = level.compare(VectorOperators.LT, quietLevel).or(idle);
            FloatVector reduced = one.div(level.sub(threshold).fma(slope, one));
            FloatVector target = one.blend(reduced, level.compare(VectorOperators.GT, threshold)).blend(one, quiet);
            FloatVector rate = releaseRate.blend(attackRate, target.compare(VectorOperators.LT, gHi)).blend(quietRate, quiet);
            // the gain as a float pair (Fast2Sum), so a slow release never stalls on rounding
            FloatVector delta = target.sub(gHi).sub(gLo).mul(rate).add(gLo);
            FloatVector sum = gHi.add(delta);
            gLo = delta.sub(sum.sub(gHi));
            gHi = sum;
            left = left.mul(gHi);
            right = right.mul(gHi);
            FloatVector mll = bll, mlr = blr, mrl = brl, mrr = brr;
            if (ramping) {
                FloatVector n = FloatVector.broadcast(S, i + 1);
                mll = sll.fma(n, bll);
                mlr = slr.fma(n, blr);
                mrl = srl.fma(n, brl);
                mrr = srr.fma(n, brr);
            }
            FloatVector yl = mlr.fma(right, mll.mul(left));
            FloatVector yr = mrr.fma(right, mrl.mul(left));
            yl.intoMemorySegment(outL, at, ORDER);
            yr.intoMemorySegment(outR, at, ORDER);
            // meters accumulate in memory, not in loop-carried vectors: see equalise
            FloatVector.fromArray(S, meterScratch, 0).max(yl.abs()).intoArray(meterScratch, 0);
            FloatVector.fromArray(S, meterScratch, lanes).max(yr.abs()).intoArray(meterScratch, lanes);
            yl.fma(yl, FloatVector.fromArray(S, meterScratch, 2 * lanes)).intoArray(meterScratch, 2 * lanes);
            yr.fma(yr, FloatVector.fromArray(S, meterScratch, 3 * lanes)).intoArray(meterScratch, 3 * lanes);
            if (firstGroup) {
                yl.intoArray(busLeft, b);
                yr.intoArray(busRight, b);
            } else {
                FloatVector.fromArray(S, busLeft, b).add(yl).intoArray(busLeft, b);
                FloatVector.fromArray(S, busRight, b).add(yr).intoArray(busRight, b);
            }
        }
        gHi.intoArray(state, GAIN_HI * stride + group);
        gLo.intoArray(state, GAIN_LO * stride + group);
        foldMeters(group);
    }

    /** Adds the group's meter scratch into the layout's accumulators, lane by lane (no vectors live here). */
    private void foldMeters(int group) {
        int lanes = S.length();
        MemorySegment m = layout.meters();
        for (int lane = 0; lane < lanes; lane++) {
            long at = group + lane;
            m.setAtIndex(ValueLayout.JAVA_FLOAT, at, Math.max(m.getAtIndex(ValueLayout.JAVA_FLOAT, at), meterScratch[lane]));
            at += rows;
            m.setAtIndex(ValueLayout.JAVA_FLOAT, at, Math.max(m.getAtIndex(ValueLayout.JAVA_FLOAT, at), meterScratch[lanes + lane]));
            at += rows;
            m.setAtIndex(ValueLayout.JAVA_FLOAT, at, m.getAtIndex(ValueLayout.JAVA_FLOAT, at) + meterScratch[2 * lanes + lane]);
            at += rows;
            m.setAtIndex(ValueLayout.JAVA_FLOAT, at, m.getAtIndex(ValueLayout.JAVA_FLOAT, at) + meterScratch[3 * lanes + lane]);
        }
    }

    /**
     * Resets lanes whose state went non-finite; flushes tiny state so no denormal ever forms.
     * Plain Java: 14 x lanes floats per block are not worth vectors, and some mask operations
     * with scalar operands fall back to allocating code.
     */
    private void sanitise(int group) {
        int lanes = S.length();
        for (int lane = 0; lane < lanes; lane++) {
            boolean bad = false;
            for (int c = 0; c < COMPONENTS; c++) {
                int at = c * stride + group + lane;
                float v = state[at];
                bad |= !Float.isFinite(v);
                if (c != GAIN_HI && Math.abs(v) < FLUSH_BELOW) {
                    state[at] = 0f;
                }
            }
            if (bad) {
                reset(group + lane);
                layout.countReset(group + lane);
            }
        }
    }

    @Override
    public void retune(int row) {
        retuner.retune(layout, row, this);
    }

    @Override
    public float get(int component, int row) {
        return state[component * stride + row];
    }

    @Override
    public void set(int component, int row, float value) {
        state[component * stride + row] = value;
    }

    @Override
    public void reset(int row) {
        if (row == layout.masterRow()) {
            master.reset();
            return;
        }
        for (int c = 0; c < COMPONENTS; c++) {
            state[c * stride + row] = 0;
        }
        state[GAIN_HI * stride + row] = 1;
    }

    @Override
    public void resetAll() {
        Arrays.fill(state, 0);
        Arrays.fill(state, GAIN_HI * stride, (GAIN_HI + 1) * stride, 1f);
        master.reset();
    }

    @Override
    public void close() {
    }
}
