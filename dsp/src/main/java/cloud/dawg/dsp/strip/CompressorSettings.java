package cloud.dawg.dsp.strip;

/** The strip compressor: threshold in dBFS (-60..0) and ratio (1..20). */
public record CompressorSettings(boolean active, double thresholdDb, double ratio) {
    public static final CompressorSettings DEFAULT = new CompressorSettings(false, -12, 4);

    public CompressorSettings {
        InvalidParameterException.requireRange("thresholdDb", thresholdDb, -60, 0);
        InvalidParameterException.requireRange("ratio", ratio, 1, 20);
    }

    /** Whether gain reduction can happen at all; at 0 dB the reference only releases. */
    public boolean engaged() {
        return active && thresholdDb < 0;
    }
}
