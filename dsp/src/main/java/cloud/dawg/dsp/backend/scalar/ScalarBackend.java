package cloud.dawg.dsp.backend.scalar;

import cloud.dawg.dsp.backend.BusSum;
import cloud.dawg.dsp.backend.Backend;
import cloud.dawg.dsp.backend.MixKernel;
import cloud.dawg.dsp.backend.MixLayout;
import cloud.dawg.dsp.backend.SynthKernel;
import cloud.dawg.dsp.backend.SynthLayout;

/** The reference: per sample, double precision, the browser's JavaScript semantics. Always available. */
public final class ScalarBackend implements Backend {
    public static final String NAME = "scalar";

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
        return new Capabilities(64, 1, "java");
    }

    @Override
    public SynthKernel openSynth(SynthLayout layout, float[] tables) {
        return new ReferenceVoices(layout, tables);
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

        @Override
        public void process(int offset, int frames, int liveRows, boolean withMaster) {
            int stride = layout.stride();
            for (int row = 0; row < liveRows; row++) {
                if (strips[row].process(layout, row, layout.inLeft(), layout.inRight(), layout.outLeft(),
                        layout.outRight(), (long) offset * stride + row, stride, frames)) {
                    layout.countReset(row);
                }
            }
            BusSum.sum(layout, offset, frames, liveRows);
            if (withMaster && master.process(layout, layout.masterRow(), layout.mixLeft(), layout.mixRight(),
                    layout.mixLeft(), layout.mixRight(), offset, 1, frames)) {
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
