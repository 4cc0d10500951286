package cloud.dawg.render;

import javax.sound.midi.InvalidMidiDataException;
import javax.sound.midi.MetaMessage;
import javax.sound.midi.MidiEvent;
import javax.sound.midi.MidiSystem;
import javax.sound.midi.Sequence;
import javax.sound.midi.ShortMessage;
import javax.sound.midi.Track;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * The note events of a Standard MIDI File (format 0 or 1), every channel merged, with times
 * converted to frames through the file's tempo map. javax.sound.midi parses the file.
 */
public final class MidiNotes {
    public enum Type { NOTE_ON, NOTE_OFF, SUSTAIN, ALL_NOTES_OFF }

    /** One event at an absolute frame; {@code value} is the velocity, or 1/0 for the pedal. */
    public record Event(long frame, Type type, int note, int value) {
    }

    private static final int DEFAULT_TEMPO = 500_000; // microseconds per quarter note: 120 bpm

    private MidiNotes() {
    }

    /** Reads the file; {@code owner} names it in errors (e.g. {@code track 'lead'}). */
    public static List<Event> read(Path file, int sampleRate, String owner) throws ProjectException {
        if (!Files.isRegularFile(file)) {
            throw new ProjectException(owner + ": source.midi: " + file + " does not exist");
        }
        Sequence sequence;
        try {
            sequence = MidiSystem.getSequence(file.toFile());
        } catch (InvalidMidiDataException e) {
            throw new ProjectException(owner + ": source.midi: " + file.getFileName() + " is not a valid MIDI file ("
                    + e.getMessage() + ")");
        } catch (IOException e) {
            throw new ProjectException(owner + ": source.midi: cannot read " + file + ": " + e.getMessage(), e);
        }
        TickClock clock = new TickClock(sequence);
        List<Event> events = new ArrayList<>();
        for (Track track : sequence.getTracks()) {
            for (int i = 0; i < track.size(); i++) {
                MidiEvent e = track.get(i);
                if (!(e.getMessage() instanceof ShortMessage m)) {
                    continue;
                }
                long frame = Math.round(clock.seconds(e.getTick()) * sampleRate);
                switch (m.getCommand()) {
                    case ShortMessage.NOTE_ON -> events.add(new Event(frame,
                            m.getData2() == 0 ? Type.NOTE_OFF : Type.NOTE_ON, m.getData1(), m.getData2()));
                    case ShortMessage.NOTE_OFF -> events.add(new Event(frame, Type.NOTE_OFF, m.getData1(), 0));
                    case ShortMessage.CONTROL_CHANGE -> {
                        if (m.getData1() == 64) {
                            events.add(new Event(frame, Type.SUSTAIN, 0, m.getData2() >= 64 ? 1 : 0));
                        } else if (m.getData1() == 120 || m.getData1() == 123) {
                            events.add(new Event(frame, Type.ALL_NOTES_OFF, 0, 0));
                        }
                    }
                    default -> { }
                }
            }
        }
        events.sort(Comparator.comparingLong(Event::frame)); // stable: same-frame events keep file order
        return events;
    }

    /** Ticks to seconds through every tempo change in any track (format 1 keeps them in track 0). */
    private static final class TickClock {
        private final double secondsPerTickSmpte;
        private final int resolution;
        private final TreeMap<Long, Integer> tempos = new TreeMap<>();

        TickClock(Sequence sequence) {
            float division = sequence.getDivisionType();
            resolution = sequence.getResolution();
            secondsPerTickSmpte = division == Sequence.PPQ ? 0 : 1.0 / (division * resolution);
            tempos.put(0L, DEFAULT_TEMPO);
            for (Track track : sequence.getTracks()) {
                for (int i = 0; i < track.size(); i++) {
                    if (track.get(i).getMessage() instanceof MetaMessage meta && meta.getType() == 0x51
                            && meta.getData().length == 3) {
                        byte[] d = meta.getData();
                        tempos.put(track.get(i).getTick(), (d[0] & 0xff) << 16 | (d[1] & 0xff) << 8 | (d[2] & 0xff));
                    }
                }
            }
        }

        double seconds(long tick) {
            if (secondsPerTickSmpte > 0) {
                return tick * secondsPerTickSmpte;
            }
            double seconds = 0;
            long at = 0;
            int tempo = DEFAULT_TEMPO;
            for (var change : tempos.entrySet()) {
                if (change.getKey() >= tick) {
                    break;
                }
                seconds += (change.getKey() - at) * tempo / 1e6 / resolution;
                at = change.getKey();
                tempo = change.getValue();
            }
            return seconds + (tick - at) * tempo / 1e6 / resolution;
        }
    }
}
