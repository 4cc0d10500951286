package cloud.dawg.dsp.workload;

import cloud.dawg.dsp.backend.Backend;
import cloud.dawg.dsp.synth.EnvelopeSettings;
import cloud.dawg.dsp.synth.FilterSettings;
import cloud.dawg.dsp.synth.InstrumentSettings;
import cloud.dawg.dsp.synth.OscillatorSettings;
import cloud.dawg.dsp.synth.SynthEngine;
import cloud.dawg.dsp.synth.Waveform;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * The standard synth workload: {@code voices} sustained notes of varied pitch, each the standard
 * voice (two saws detuned by +-7 cents, ADSR, SVF low-pass at 4 kHz), measured in thread CPU time.
 */
public final class SynthWorkload implements Workload {
    public static final InstrumentSettings STANDARD_VOICE = new InstrumentSettings(
            List.of(new OscillatorSettings(Waveform.SAW, -7, 0.5), new OscillatorSettings(Waveform.SAW, 7, 0.5)),
            new EnvelopeSettings(0.005, 0.1, 0.8, 0.2), new FilterSettings(true, 4000, 0.9), 0.05, 4096);

    private final SynthEngine synth;
    private final int voices, block, sampleRate;
    private final float[] left, right;

    public SynthWorkload(Backend backend, int voices, int sampleRate, int block) {
        this.voices = voices;
        this.block = block;
        this.sampleRate = sampleRate;
        InstrumentSettings standard = STANDARD_VOICE;
        this.synth = new SynthEngine(backend, new InstrumentSettings(standard.oscillators(), standard.envelope(), standard.filter(),
                standard.gain(), voices), sampleRate, block);
        for (int v = 0; v < voices; v++) {
            synth.noteOn(v % block, 24 + (v * 7) % 84, 64 + v % 64); // spread over seven octaves
        }
        left = new float[block];
        right = new float[block];
        block(); // the notes start within the first block; from here on every block is sustained
    }

    @Override
    public int units() {
        return voices;
    }

    @Override
    public double nsPerUnitBlock(double seconds) {
        return measure(seconds).nsPerVoiceBlock();
    }

    @Override
    public void close() {
        synth.close();
    }

    public void block() {
        synth.process(left, right, 0, block);
    }

    @Override
    public void shortBlock(int frames) {
        synth.process(left, right, 0, frames);
    }

    public int activeVoices() {
        return synth.activeVoices();
    }

    /** The result of a timed run. */
    public record Measurement(int voices, long blocks, long cpuNanos, double audioSeconds) {
        public double nsPerVoiceBlock() {
            return (double) cpuNanos / ((double) blocks * voices);
        }

        /** Seconds of voice audio per CPU-second. */
        public double realtimeVoicesPerCore() {
            return audioSeconds * voices / (cpuNanos / 1e9);
        }
    }

    public Measurement measure(double seconds) {
        long blocks = Math.max(1, Math.round(seconds * sampleRate / block));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long start = threads.getCurrentThreadCpuTime();
        for (long i = 0; i < blocks; i++) {
            block();
        }
        long cpu = threads.getCurrentThreadCpuTime() - start;
        return new Measurement(voices, blocks, cpu, (double) blocks * block / sampleRate);
    }
}
