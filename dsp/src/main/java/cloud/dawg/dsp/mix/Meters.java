package cloud.dawg.dsp.mix;

import cloud.dawg.dsp.backend.MixLayout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Post-fader peak and RMS per side, per track and for the master, over windows of
 * {@code round(sampleRate / 6)} frames. Readings are the last completed window; index
 * {@link #masterIndex()} is the master. Reused across windows: reading allocates nothing.
 */
public final class Meters {
    private final int window;
    private final int master;
    private final float[] peakLeft, peakRight;
    private final double[] sumLeft, sumRight;
    private final float[] readPeakLeft, readPeakRight, readRmsLeft, readRmsRight;
    private int framesInWindow;
    private long windows;

    Meters(int capacity, int window) {
        this.window = window;
        this.master = capacity;
        int n = capacity + 1;
        peakLeft = new float[n];
        peakRight = new float[n];
        sumLeft = new double[n];
        sumRight = new double[n];
        readPeakLeft = new float[n];
        readPeakRight = new float[n];
        readRmsLeft = new float[n];
        readRmsRight = new float[n];
    }

    public int masterIndex() { return master; }
    /** Frames per meter window. */
    public int windowFrames() { return window; }
    /** Completed windows so far: a reader polls this to see fresh readings. */
    public long windows() { return windows; }
    public float peakLeft(int index) { return readPeakLeft[index]; }
    public float peakRight(int index) { return readPeakRight[index]; }
    public float rmsLeft(int index) { return readRmsLeft[index]; }
    public float rmsRight(int index) { return readRmsRight[index]; }

    void accumulate(MixLayout layout, int liveRows, int frames) {
        int stride = layout.stride();
        MemorySegment outL = layout.outLeft(), outR = layout.outRight();
        MemorySegment mixL = layout.mixLeft(), mixR = layout.mixRight();
        for (int f = 0; f < frames; f++) {
            long base = (long) f * stride;
            for (int row = 0; row < liveRows; row++) {
                float l = outL.getAtIndex(ValueLayout.JAVA_FLOAT, base + row);
                float r = outR.getAtIndex(ValueLayout.JAVA_FLOAT, base + row);
                peakLeft[row] = Math.max(peakLeft[row], Math.abs(l));
                peakRight[row] = Math.max(peakRight[row], Math.abs(r));
                sumLeft[row] += l * l;
                sumRight[row] += r * r;
            }
            float l = mixL.getAtIndex(ValueLayout.JAVA_FLOAT, f), r = mixR.getAtIndex(ValueLayout.JAVA_FLOAT, f);
            peakLeft[master] = Math.max(peakLeft[master], Math.abs(l));
            peakRight[master] = Math.max(peakRight[master], Math.abs(r));
            sumLeft[master] += l * l;
            sumRight[master] += r * r;
            if (++framesInWindow == window) {
                publish(liveRows);
            }
        }
    }

    private void publish(int liveRows) {
        for (int row = 0; row < liveRows; row++) {
            publishRow(row);
        }
        publishRow(master);
        framesInWindow = 0;
        windows++;
    }

    private void publishRow(int row) {
        readPeakLeft[row] = peakLeft[row];
        readPeakRight[row] = peakRight[row];
        readRmsLeft[row] = (float) Math.sqrt(sumLeft[row] / window);
        readRmsRight[row] = (float) Math.sqrt(sumRight[row] / window);
        peakLeft[row] = peakRight[row] = 0;
        sumLeft[row] = sumRight[row] = 0;
    }

    void clear(int row) {
        peakLeft[row] = peakRight[row] = 0;
        sumLeft[row] = sumRight[row] = 0;
        readPeakLeft[row] = readPeakRight[row] = readRmsLeft[row] = readRmsRight[row] = 0;
    }

    void reset() {
        Arrays.fill(peakLeft, 0);
        Arrays.fill(peakRight, 0);
        Arrays.fill(sumLeft, 0);
        Arrays.fill(sumRight, 0);
        Arrays.fill(readPeakLeft, 0);
        Arrays.fill(readPeakRight, 0);
        Arrays.fill(readRmsLeft, 0);
        Arrays.fill(readRmsRight, 0);
        framesInWindow = 0;
    }
}
