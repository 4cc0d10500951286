package cloud.dawg.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import javax.sound.midi.InvalidMidiDataException;
import javax.sound.midi.MetaMessage;
import javax.sound.midi.MidiEvent;
import javax.sound.midi.MidiSystem;
import javax.sound.midi.Sequence;
import javax.sound.midi.ShortMessage;
import javax.sound.midi.Track;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/** Writes the demo project's audio: four short 16-bit tracks synthesised from a seed. */
@Command(name = "make-demo-audio", mixinStandardHelpOptions = true,
        description = "Writes the demo's sources into DIR: drums, bass, keys, lead (WAV, 4 s at 48 kHz) and arp.mid.")
final class DemoCommand implements Callable<Integer> {
    private static final int RATE = 48000;
    private static final int FRAMES = 4 * RATE;
    private static final double BEAT = 0.5; // 120 bpm

    @Parameters(index = "0", paramLabel = "DIR")
    Path dir;

    @Override
    public Integer call() throws IOException {
        Files.createDirectories(dir);
        SplittableRandom rnd = new SplittableRandom(2026);
        float[] kick = new float[FRAMES], bass = new float[FRAMES], keysL = new float[FRAMES], keysR = new float[FRAMES];
        float[] lead = new float[FRAMES];
        double[] roots = {55, 55 * Math.pow(2, 3 / 12.0), 55 * Math.pow(2, 5 / 12.0), 55 * Math.pow(2, 7 / 12.0)};
        for (int i = 0; i < FRAMES; i++) {
            double t = (double) i / RATE;
            double inBeat = t % BEAT;
            double kickF = 50 + 100 * Math.exp(-inBeat * 30);
            double hat = (t % (BEAT / 2)) < 0.03 ? rnd.nextDouble(-1, 1) * Math.exp(-(t % (BEAT / 2)) * 120) * 0.3 : 0;
            kick[i] = (float) (0.8 * Math.sin(2 * Math.PI * kickF * inBeat) * Math.exp(-inBeat * 8) + hat);
            double root = roots[(int) (t / (2 * BEAT)) % roots.length];
            double saw = 0;
            for (int h = 1; h <= 12; h++) {
                saw += Math.sin(2 * Math.PI * root * h * t) / h;
            }
            bass[i] = (float) (0.35 * saw * (1 - 0.5 * ((t % BEAT) / BEAT)));
            double chord = 0, chordR = 0;
            for (int n : new int[]{12, 16, 19, 24}) {
                double f = root * 2 * Math.pow(2, n / 12.0);
                chord += Math.sin(2 * Math.PI * f * t);
                chordR += Math.sin(2 * Math.PI * f * 1.003 * t);
            }
            double swell = 0.5 - 0.5 * Math.cos(2 * Math.PI * t / 2);
            keysL[i] = (float) (0.12 * chord * swell);
            keysR[i] = (float) (0.12 * chordR * swell);
            int step = (int) (t / (BEAT / 2));
            double note = root * 4 * Math.pow(2, new int[]{0, 3, 7, 10, 12, 10, 7, 3}[step % 8] / 12.0);
            double env = Math.exp(-(t % (BEAT / 2)) * 6);
            lead[i] = (float) (0.3 * env * (Math.sin(2 * Math.PI * note * t) + 0.3 * Math.sin(4 * Math.PI * note * t)));
        }
        write(dir.resolve("drums.wav"), kick);
        write(dir.resolve("bass.wav"), bass);
        write(dir.resolve("keys.wav"), keysL, keysR);
        write(dir.resolve("lead.wav"), lead);
        writeArpeggio(dir.resolve("arp.mid"));
        System.out.println("wrote drums.wav, bass.wav, keys.wav, lead.wav, arp.mid to " + dir);
        return 0;
    }

    /**
     * A Standard MIDI File (format 1: tempo track + note track, 480 ticks per quarter): sixteenth
     * notes over the chords at 120 bpm, slowing to 100 bpm for the last bar, sustain pedal on the
     * final chord.
     */
    private static void writeArpeggio(Path file) throws IOException {
        try {
            Sequence seq = new Sequence(Sequence.PPQ, 480);
            Track tempo = seq.createTrack();
            tempo.add(new MidiEvent(new MetaMessage(0x51, new byte[]{0x07, (byte) 0xA1, 0x20}, 3), 0));       // 500000 us: 120 bpm
            tempo.add(new MidiEvent(new MetaMessage(0x51, new byte[]{0x09, (byte) 0x27, (byte) 0xC0}, 3), 4 * 480 + 2 * 480)); // 600000 us: 100 bpm
            Track notes = seq.createTrack();
            int[] roots = {45, 48, 50, 52};
            int[] pattern = {12, 19, 24, 28};
            long tick = 0;
            for (int step = 0; step < 28; step++, tick += 120) {
                int root = roots[step / 8 % roots.length];
                int n = root + pattern[step % pattern.length];
                notes.add(new MidiEvent(new ShortMessage(ShortMessage.NOTE_ON, 0, n, 70 + step % 4 * 12), tick));
                notes.add(new MidiEvent(new ShortMessage(ShortMessage.NOTE_OFF, 0, n, 0), tick + 100));
            }
            notes.add(new MidiEvent(new ShortMessage(ShortMessage.CONTROL_CHANGE, 1, 64, 127), tick));
            for (int n : new int[]{57, 64, 69}) {
                notes.add(new MidiEvent(new ShortMessage(ShortMessage.NOTE_ON, 1, n, 80), tick));
                notes.add(new MidiEvent(new ShortMessage(ShortMessage.NOTE_OFF, 1, n, 0), tick + 60));
            }
            notes.add(new MidiEvent(new ShortMessage(ShortMessage.CONTROL_CHANGE, 1, 64, 0), tick + 480));
            Path temp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".partial");
            Files.delete(temp); // recreated by the writer with the usual permissions, not 0600
            MidiSystem.write(seq, 1, temp.toFile());
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (InvalidMidiDataException e) {
            throw new IOException("could not build the demo MIDI file: " + e.getMessage(), e);
        }
    }

    private static void write(Path file, float[]... channels) throws IOException {
        int n = channels.length;
        ByteBuffer b = ByteBuffer.allocate(FRAMES * n * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < FRAMES; i++) {
            for (float[] c : channels) {
                b.putShort((short) Math.max(-32768, Math.min(32767, Math.round(c[i] * 32768))));
            }
        }
        Path temp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".partial");
        Files.delete(temp); // recreated by the writer with the usual permissions, not 0600
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(b.array()),
                new AudioFormat(RATE, 16, n, true, false), FRAMES)) {
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, temp.toFile());
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
