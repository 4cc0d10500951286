package cloud.dawg.dsp.mix;

import cloud.dawg.dsp.backend.MixLayout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Post-fader peak and RMS per side, per track and for the master, over windows of
 * {@code round(sampleRate / 6)} frames, accumulated by the kernels as they write each output
 * (see {@link MixLayout#meters()}). Readings are the last completed window; index
 * {@link #masterIndex()} is the master. Reused across windows: reading allocates nothing.
 */
public final class Meters {
    private final int window;
    private final int master;
    private final float[] readPeakLeft, readPeakRight, readRmsLeft, readRmsRight;
    private int framesInWindow;
    private long windows;

    Meters(int capacity, int window) {
        this.window = window;
        this.master = capacity;
        int n = capacity + 1;
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

    /** Frames until the current window ends: the engine ends a chunk there. */
    int framesLeftInWindow() {
        return window - framesInWindow;
    }

    /** Counts frames the kernel has metered; publishes and clears when a window is complete. */
    void advance(MixLayout layout, int liveRows, int frames) {
        framesInWindow += frames;
        if (framesInWindow < window) {
            return;
        }
        MemorySegment m = layout.meters();
        int rows = layout.rows();
        for (int row = 0; row < liveRows; row++) {
            publish(m, rows, row, row);
        }
        publish(m, rows, layout.masterRow(), master);
        m.fill((byte) 0);
        framesInWindow = 0;
        windows++;
    }

    private void publish(MemorySegment m, int rows, int layoutRow, int index) {
        readPeakLeft[index] = m.getAtIndex(ValueLayout.JAVA_FLOAT, (long) MixLayout.METER_PEAK_LEFT * rows + layoutRow);
        readPeakRight[index] = m.getAtIndex(ValueLayout.JAVA_FLOAT, (long) MixLayout.METER_PEAK_RIGHT * rows + layoutRow);
        readRmsLeft[index] = (float) Math.sqrt(m.getAtIndex(ValueLayout.JAVA_FLOAT, (long) MixLayout.METER_SUM_LEFT * rows + layoutRow) / window);
        readRmsRight[index] = (float) Math.sqrt(m.getAtIndex(ValueLayout.JAVA_FLOAT, (long) MixLayout.METER_SUM_RIGHT * rows + layoutRow) / window);
    }

    /** Forgets a freed row: its readings and what the kernel had accumulated for it. */
    void clear(MixLayout layout, int row) {
        for (int column = 0; column < MixLayout.METER_COLUMNS; column++) {
            layout.meters().setAtIndex(ValueLayout.JAVA_FLOAT, (long) column * layout.rows() + row, 0f);
        }
        readPeakLeft[row] = readPeakRight[row] = readRmsLeft[row] = readRmsRight[row] = 0;
    }

    void reset(MixLayout layout) {
        layout.meters().fill((byte) 0);
        Arrays.fill(readPeakLeft, 0);
        Arrays.fill(readPeakRight, 0);
        Arrays.fill(readRmsLeft, 0);
        Arrays.fill(readRmsRight, 0);
        framesInWindow = 0;
    }
}
