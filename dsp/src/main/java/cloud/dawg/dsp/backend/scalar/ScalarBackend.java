package cloud.dawg.dsp.backend.scalar;

import cloud.dawg.dsp.backend.BusSum;
import cloud.dawg.dsp.backend.Backend;
import cloud.dawg.dsp.backend.InputSanitiser;
import cloud.dawg.dsp.backend.MixKernel;
import cloud.dawg.dsp.backend.MixLayout;
import cloud.dawg.dsp.backend.SynthKernel;
import cloud.dawg.dsp.backend.SynthLayout;

import java.lang.foreign.MemorySegment;

/** The reference: per sample, double precision, the browser's JavaScript semantics. Always available. */
public final class ScalarBackend implements Backend {
    public static final String NAME = "scalar";

    private final boolean fusedSynth;

    public ScalarBackend() {
        this(ReferenceStrip.FUSED);
    }

    /** With the synth's voices evaluated with or without fused multiply-adds (tests compare the two). */
    ScalarBackend(boolean fusedSynth) {
        this.fusedSynth = fusedSynth;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Availability availability() {
        return Availability.yes("pure Java, double precision");
    }

    @Override
    public Capabilities capabilities() {
        // fused multiply-adds change the filters' last bits: part of the arithmetic's name
        return new Capabilities(64, 1, ReferenceStrip.FUSED ? "java-fma" : "java");
    }

    @Override
    public SynthKernel openSynth(SynthLayout layout, float[] tables) {
        return new ReferenceVoices(layout, tables, fusedSynth);
    }

    @Override
    public MixKernel openMix(MixLayout layout, int sampleRate) {
        return new ScalarMixKernel(layout, sampleRate);
    }

    private static final class ScalarMixKernel implements MixKernel {
        private final MixLayout layout;
        private final ReferenceStrip[] strips;
        private final ReferenceStrip master;

        ScalarMixKernel(MixLayout layout, int sampleRate) {
            this.layout = layout;
            this.strips = new ReferenceStrip[layout.capacity()];
            double[] left = new double[layout.maxFrames()], right = new double[layout.maxFrames()];
            for (int i = 0; i < strips.length; i++) {
                strips[i] = new ReferenceStrip(sampleRate, left, right); // run one after the other
            }
            this.master = new ReferenceStrip(sampleRate, left, right);
        }

        /**
         * A strip reads its track's block where the engine copied it, planar in staging, cleaned
         * in place: through the frame-major {@code in*} each sample was a store and a load on a
         * different cache line, which cost the scalar path ~0.4 us per track-block.
         */
        @Override
        public long ingest(int frames, int liveRows) {
            return InputSanitiser.cleanStaged(layout, frames, liveRows);
        }

        @Override
        public void process(int offset, int frames, int liveRows, boolean withMaster) {
            int stride = layout.stride();
            long maxFrames = layout.maxFrames();
            for (int row = 0; row < liveRows; row++) {
                if (strips[row].process(layout, row, layout.stagedLeft(), layout.stagedRight(), row * maxFrames + offset, 1,
                        layout.outLeft(), layout.outRight(), (long) offset * stride + row, stride, frames)) {
                    layout.countReset(row);
                }
            }
            BusSum.sum(layout, offset, frames, liveRows);
            MemorySegment mixL = layout.mixLeft(), mixR = layout.mixRight();
            if (withMaster && master.process(layout, layout.masterRow(), mixL, mixR, offset, 1, mixL, mixR, offset, 1, frames)) {
                layout.countReset(layout.masterRow());
            }
        }

        @Override
        public void reset(int row) {
            if (row == layout.masterRow()) {
                master.reset();
            } else {
                strips[row].reset();
            }
        }

        @Override
        public void resetAll() {
            for (ReferenceStrip strip : strips) {
                strip.reset();
            }
            master.reset();
        }

        @Override
        public void close() {
        }
    }
}
