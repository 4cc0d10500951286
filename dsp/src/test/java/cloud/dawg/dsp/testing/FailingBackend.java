package cloud.dawg.dsp.testing;

import cloud.dawg.dsp.backend.Backend;
import cloud.dawg.dsp.backend.MixKernel;
import cloud.dawg.dsp.backend.MixLayout;
import cloud.dawg.dsp.backend.SynthKernel;
import cloud.dawg.dsp.backend.SynthLayout;

import java.lang.foreign.ValueLayout;

/**
 * A real backend made to fail mid-session: after {@code goodCalls} kernel calls it either throws
 * or writes NaN into its output, the two failures the engines must survive.
 */
public final class FailingBackend implements Backend {
    public enum Failure { THROW, NAN }

    private final Backend real;
    private final int goodCalls;
    private final Failure failure;

    public FailingBackend(Backend real, int goodCalls, Failure failure) {
        this.real = real;
        this.goodCalls = goodCalls;
        this.failure = failure;
    }

    @Override
    public String name() {
        return real.name();
    }

    @Override
    public Availability availability() {
        return real.availability();
    }

    @Override
    public Capabilities capabilities() {
        return real.capabilities();
    }

    @Override
    public MixKernel openMix(MixLayout layout, int sampleRate) {
        MixKernel k = real.openMix(layout, sampleRate);
        return new MixKernel() {
            private int calls;

            @Override
            public void process(int offset, int frames, int liveRows, boolean master) {
                if (++calls > goodCalls && failure == Failure.THROW) {
                    throw new IllegalStateException("injected failure");
                }
                k.process(offset, frames, liveRows, master);
                if (calls > goodCalls) {
                    layout.mixLeft().setAtIndex(ValueLayout.JAVA_FLOAT, offset, Float.NaN);
                }
            }

            @Override
            public long ingest(int frames, int liveRows) {
                return k.ingest(frames, liveRows);
            }

            @Override
            public void reset(int row) {
                k.reset(row);
            }

            @Override
            public void retune(int row) {
                k.retune(row);
            }

            @Override
            public void resetAll() {
                k.resetAll();
            }

            @Override
            public void close() {
                k.close();
            }
        };
    }

    @Override
    public SynthKernel openSynth(SynthLayout layout, float[] tables) {
        SynthKernel k = real.openSynth(layout, tables);
        return new SynthKernel() {
            private int calls;

            @Override
            public void render(int from, int to) {
                if (++calls > goodCalls && failure == Failure.THROW) {
                    throw new IllegalStateException("injected failure");
                }
                k.render(from, to);
            }

            @Override
            public void finish(int frames) {
                k.finish(frames);
                if (calls > goodCalls && failure == Failure.NAN) {
                    layout.out().setAtIndex(ValueLayout.JAVA_FLOAT, frames - 1, Float.NaN);
                }
            }

            @Override
            public void close() {
                k.close();
            }
        };
    }
}
