package cloud.dawg.render;

import cloud.dawg.dsp.backend.Backend;
import cloud.dawg.dsp.backend.Backends;
import cloud.dawg.dsp.backend.scalar.ScalarBackend;
import cloud.dawg.dsp.synth.InstrumentSettings;
import cloud.dawg.dsp.synth.SynthEngine;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import javax.sound.midi.MetaMessage;
import javax.sound.midi.MidiEvent;
import javax.sound.midi.MidiSystem;
import javax.sound.midi.Sequence;
import javax.sound.midi.ShortMessage;
import javax.sound.midi.Track;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InstrumentTrackTest {
    @TempDir
    Path dir;

    /** 480 ticks per quarter; 120 bpm, then 60 bpm from tick 960 (one second in). */
    private Path midiWithTempoChange(int format, long... noteTicks) throws Exception {
        Sequence seq = new Sequence(Sequence.PPQ, 480);
        Track tempo = seq.createTrack();
        tempo.add(new MidiEvent(new MetaMessage(0x51, new byte[]{0x07, (byte) 0xA1, 0x20}, 3), 0));
        tempo.add(new MidiEvent(new MetaMessage(0x51, new byte[]{0x0F, 0x42, 0x40}, 3), 960));
        Track notes = format == 0 ? tempo : seq.createTrack();
        int channel = 0;
        for (long tick : noteTicks) {
            notes.add(new MidiEvent(new ShortMessage(ShortMessage.NOTE_ON, channel, 60 + channel, 100), tick));
            notes.add(new MidiEvent(new ShortMessage(ShortMessage.NOTE_OFF, channel, 60 + channel, 0), tick + 240));
            channel++;
        }
        Path file = dir.resolve("notes-" + format + ".mid");
        MidiSystem.write(seq, format, file.toFile());
        return file;
    }

    @Test
    void shouldPlaceNotesThroughTheTempoMapInFormatsZeroAndOne() throws Exception {
        for (int format : new int[]{0, 1}) {
            // tick 480: 0.5 s at 120 bpm; tick 1440: 1 s + 480 ticks at 60 bpm = 2 s
            List<MidiNotes.Event> events = MidiNotes.read(midiWithTempoChange(format, 480, 1440), 48000, "t");
            List<MidiNotes.Event> ons = events.stream().filter(e -> e.type() == MidiNotes.Type.NOTE_ON).toList();
            assertEquals(2, ons.size());
            assertEquals(24000, ons.get(0).frame(), "format " + format);
            assertEquals(96000, ons.get(1).frame(), "format " + format);
            assertEquals(61, ons.get(1).note(), "channels merged");
            long off = events.stream().filter(e -> e.type() == MidiNotes.Type.NOTE_OFF && e.note() == 61).findFirst().orElseThrow().frame();
            assertEquals(96000 + 24000, off, "240 ticks at 60 bpm = 0.25 s");
        }
    }

    @Test
    void shouldRenderAnInstrumentTrackExactlyAsItsSynthPlaysIt() throws Exception {
        midiWithTempoChange(1, 480, 1440);
        Files.writeString(dir.resolve("p.json"), """
                {"tracks": [{"name": "keys", "source": {"midi": "notes-1.mid"}}]}""");
        Project project = ProjectParser.parse(dir.resolve("p.json"));
        OfflineRenderer.Result result = OfflineRenderer.render(project, dir.resolve("out"), new ScalarBackend(), OfflineRenderer.Progress.NONE);
        int release = (int) Math.ceil(InstrumentSettings.DEFAULT.envelope().release() * 48000);
        assertEquals(120000 + release + 1, result.frames(), "to the last note-off plus the release");
        float[][] keys = WavFiles.read(dir.resolve("out/keys.wav"));
        for (int i = 0; i < 24000; i++) {
            assertEquals(0f, keys[0][i], "silent before the first note");
        }
        // the same notes straight from the synth: the default strip passes them through unchanged
        SynthEngine synth = new SynthEngine(InstrumentSettings.DEFAULT, 48000, 128);
        float[] want = new float[(int) result.frames()], r = new float[want.length];
        for (int at = 0; at < want.length; at += 128) {
            int n = Math.min(128, want.length - at);
            for (long[] e : new long[][]{{24000, 60, 1}, {36000, 60, 0}, {96000, 61, 1}, {120000, 61, 0}}) {
                if (e[0] >= at && e[0] < at + n) {
                    if (e[2] == 1) {
                        synth.noteOn((int) (e[0] - at), (int) e[1], 100);
                    } else {
                        synth.noteOff((int) (e[0] - at), (int) e[1]);
                    }
                }
            }
            synth.process(want, r, at, n);
        }
        assertArrayEquals(want, keys[0]);
        assertTrue(keys[0][24002] != 0f);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"simd", "native"})
    void shouldRenderInstrumentTracksOnEveryBackendWithinTheSynthTolerance(String name) throws Exception {
        Backend backend = Backends.byName(name);
        Assumptions.assumeTrue(backend.availability().available(), backend.availability().reason());
        midiWithTempoChange(1, 480, 1440);
        Files.writeString(dir.resolve("p.json"), """
                {"tracks": [{"name": "keys", "source": {"midi": "notes-1.mid", "instrument": {
                    "oscillators": [{"wave": "saw", "detuneCents": -7, "level": 0.5}, {"wave": "square", "detuneCents": 7, "level": 0.5}],
                    "filter": {"active": true, "cutoffHz": 2000, "q": 4}}},
                  "strip": {"eq": {"active": true, "low": {"freq": 200, "gainDb": 6}}, "comp": {"active": true, "thresholdDb": -20}}}]}""");
        Project project = ProjectParser.parse(dir.resolve("p.json"));
        OfflineRenderer.render(project, dir.resolve("scalar"), new ScalarBackend(), OfflineRenderer.Progress.NONE);
        OfflineRenderer.render(project, dir.resolve(name), backend, OfflineRenderer.Progress.NONE);
        for (String file : new String[]{"keys.wav", "mix.wav"}) {
            float[][] want = WavFiles.read(dir.resolve("scalar").resolve(file)), got = WavFiles.read(dir.resolve(name).resolve(file));
            double peak = 0, diff = 0;
            for (int ch = 0; ch < 2; ch++) {
                for (int i = 0; i < want[ch].length; i++) {
                    peak = Math.max(peak, Math.abs(want[ch][i]));
                    diff = Math.max(diff, Math.abs(want[ch][i] - got[ch][i]));
                }
            }
            assertTrue(peak > 0.1, file + " is not silent");
            assertTrue(diff <= 1e-4 * Math.max(1, peak), file + " differs by " + diff);
        }
    }

    @Test
    void shouldNameTheFieldOfABadInstrument() throws Exception {
        Files.writeString(dir.resolve("p.json"), """
                {"tracks": [{"name": "lead", "source": {"midi": "x.mid", "instrument": {"oscillators": [{"wave": "sawtooth"}]}}}]}""");
        ProjectException e = assertThrows(ProjectException.class, () -> ProjectParser.parse(dir.resolve("p.json")));
        assertEquals("track 'lead': source.instrument.oscillators[0].wave: 'sawtooth' is not one of sine, saw, square, triangle", e.getMessage());
        Files.writeString(dir.resolve("p.json"), """
                {"tracks": [{"name": "lead", "source": {"midi": "x.mid", "instrument": {"envelope": {"sustain": 1.5}}}}]}""");
        e = assertThrows(ProjectException.class, () -> ProjectParser.parse(dir.resolve("p.json")));
        assertEquals("track 'lead': source.instrument.envelope.sustain: 1.5 is outside 0.0..1.0", e.getMessage());
        Files.writeString(dir.resolve("p.json"), """
                {"tracks": [{"name": "lead", "source": {"file": "a.wav", "midi": "x.mid"}}]}""");
        e = assertThrows(ProjectException.class, () -> ProjectParser.parse(dir.resolve("p.json")));
        assertTrue(e.getMessage().startsWith("track 'lead': source: give either file"), e.getMessage());
    }

    @Test
    void shouldRejectAFileThatIsNotMidi() throws Exception {
        Files.writeString(dir.resolve("bad.mid"), "not a midi file at all");
        ProjectException e = assertThrows(ProjectException.class, () -> MidiNotes.read(dir.resolve("bad.mid"), 48000, "track 'x'"));
        assertTrue(e.getMessage().startsWith("track 'x': source.midi: bad.mid is not a valid MIDI file"), e.getMessage());
    }
}
