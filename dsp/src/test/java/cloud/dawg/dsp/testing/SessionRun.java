package cloud.dawg.dsp.testing;

import cloud.dawg.dsp.backend.Backend;
import cloud.dawg.dsp.mix.MixEngine;
import cloud.dawg.dsp.strip.StripSettings;


/** Runs a whole session through one backend and keeps every output, for comparisons. */
public final class SessionRun {
    public final float[][] trackLeft, trackRight;
    public final float[] mixLeft, mixRight;

    private SessionRun(int tracks, int frames) {
        trackLeft = new float[tracks][frames];
        trackRight = new float[tracks][frames];
        mixLeft = new float[frames];
        mixRight = new float[frames];
    }

    /**
     * @param betweenBlocks called with the block index before each block, to change parameters
     */
    public static SessionRun run(Backend backend, int sampleRate, int blockSize, StripSettings[] strips,
                                 StripSettings master, float[][] inLeft, float[][] inRight,
                                 java.util.function.BiConsumer<MixEngine, Integer> betweenBlocks) {
        int frames = inLeft[0].length;
        SessionRun out = new SessionRun(strips.length, frames);
        try (MixEngine engine = new MixEngine(backend, sampleRate, blockSize, strips.length)) {
            for (StripSettings s : strips) {
                engine.addTrack(s);
            }
            engine.setMaster(master);
            int block = 0;
            for (int at = 0; at < frames; at += blockSize, block++) {
                int n = Math.min(blockSize, frames - at);
                if (betweenBlocks != null) {
                    betweenBlocks.accept(engine, block);
                }
                for (int t = 0; t < strips.length; t++) {
                    engine.writeInput(t, inLeft[t], inRight[t], at, n);
                }
                engine.process(n);
                for (int t = 0; t < strips.length; t++) {
                    engine.readTrack(t, out.trackLeft[t], out.trackRight[t], at, n);
                }
                engine.readMix(out.mixLeft, out.mixRight, at, n);
            }
        }
        return out;
    }

    /** Largest difference to another run, relative to the output's peak where that exceeds 1 (the spec's measure). */
    public double maxRelativeDifference(SessionRun other) {
        double worst = 0;
        for (int t = 0; t < trackLeft.length; t++) {
            worst = Math.max(worst, relative(trackLeft[t], other.trackLeft[t]));
            worst = Math.max(worst, relative(trackRight[t], other.trackRight[t]));
        }
        worst = Math.max(worst, relative(mixLeft, other.mixLeft));
        return Math.max(worst, relative(mixRight, other.mixRight));
    }

    public static double relative(float[] a, float[] b) {
        double peak = 1, diff = 0;
        for (int i = 0; i < a.length; i++) {
            peak = Math.max(peak, Math.abs(a[i]));
            diff = Math.max(diff, Math.abs((double) a[i] - b[i]));
        }
        return diff / peak;
    }

}
