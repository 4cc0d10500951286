package cloud.dawg.render;

import cloud.dawg.dsp.strip.EqBand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProjectParserTest {
    @TempDir
    Path dir;

    private Project parse(String json) throws Exception {
        Path file = dir.resolve("project.json");
        Files.writeString(file, json);
        return ProjectParser.parse(file);
    }

    private String error(String json) {
        return assertThrows(ProjectException.class, () -> parse(json)).getMessage();
    }

    @Test
    void shouldApplyTheReferenceDefaults() throws Exception {
        Project p = parse("{\"tracks\": [{\"name\": \"drums\", \"source\": {\"file\": \"sub/drums.wav\"}}]}");
        assertEquals(48000, p.sampleRate());
        assertEquals(128, p.blockSize());
        assertTrue(p.lengthFrames().isEmpty());
        var strip = p.tracks().get(0).strip();
        assertEquals(1.0, strip.gain());
        assertEquals(0.0, strip.pan());
        assertEquals(false, strip.eq().active());
        assertEquals(EqBand.DEFAULT_Q, strip.eq().mid().q());
        assertEquals(-12.0, strip.comp().thresholdDb());
        assertEquals(4.0, strip.comp().ratio());
        assertEquals(dir.resolve("sub/drums.wav"), p.tracks().get(0).file(), "relative to the project's folder");
    }

    @Test
    void shouldReadEveryStripField() throws Exception {
        Project p = parse("""
                {"sampleRate": 44100, "blockSize": 256, "lengthFrames": 1000,
                 "tracks": [{"name": "drums", "source": {"file": "d.wav"},
                   "strip": {"eq": {"active": true, "low": {"freq": 150, "gainDb": 6}, "mid": {"freq": 900, "gainDb": -3, "q": 2},
                                    "high": {"freq": 6000, "gainDb": 4}},
                             "comp": {"active": true, "thresholdDb": -20, "ratio": 6},
                             "gain": 0.8, "pan": -0.3, "mono": true, "mute": true, "solo": true}}],
                 "master": {"strip": {"gain": 0.5}}}""");
        var s = p.tracks().get(0).strip();
        assertEquals(150, s.eq().low().freq());
        assertEquals(2, s.eq().mid().q());
        assertEquals(-20, s.comp().thresholdDb());
        assertTrue(s.mono() && s.mute() && s.solo());
        assertEquals(0.5, p.master().gain());
        assertEquals(1000, p.lengthFrames().getAsLong());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"tracks\": [{\"name\": \"drums\", \"source\": {\"file\": \"d.wav\"}, \"strip\": {\"gian\": 1}}]} | track 'drums': strip.gian: unknown field",
            "{\"tracks\": [{\"name\": \"drums\", \"source\": {\"file\": \"d.wav\"}, \"strip\": {\"gain\": 5}}]} | track 'drums': strip.gain: 5.0 is outside 0.0..4.0",
            "{\"tracks\": [{\"name\": \"drums\", \"source\": {\"file\": \"d.wav\"}, \"strip\": {\"eq\": {\"mid\": {\"q\": 40}}}}]} | track 'drums': strip.eq.mid.q: 40.0 is outside 0.1..18.0",
            "{\"tracks\": [{\"name\": \"drums\", \"source\": {\"file\": \"d.wav\"}, \"strip\": {\"eq\": {\"high\": {\"freq\": 30000}}}}]} | track 'drums': strip.eq.high.freq: 30000.0 Hz is above 0.45 * sampleRate",
            "{\"tracks\": [{\"name\": \"drums\", \"source\": {\"file\": \"d.wav\"}, \"strip\": {\"eq\": {\"low\": {\"q\": 1}}}}]} | track 'drums': strip.eq.low.q: unknown field",
            "{\"tracks\": [{\"name\": \"drums\", \"source\": {\"file\": \"d.wav\"}, \"strip\": {\"comp\": {\"ratio\": 0.5}}}]} | track 'drums': strip.comp.ratio: 0.5 is outside 1.0..20.0",
            "{\"tracks\": [{\"name\": \"drums\", \"source\": {\"file\": \"d.wav\"}, \"strip\": {\"pan\": \"left\"}}]} | track 'drums': strip.pan: must be a number",
            "{\"tracks\": [{\"name\": \"drums\", \"source\": {\"file\": \"d.wav\"}, \"strip\": {\"mute\": 1}}]} | track 'drums': strip.mute: must be true or false",
            "{\"sampleRate\": 8000, \"tracks\": [{\"name\": \"d\", \"source\": {\"file\": \"d.wav\"}}]} | project: sampleRate: 8000 is outside 22050..192000",
            "{\"blockSize\": 10.5, \"tracks\": [{\"name\": \"d\", \"source\": {\"file\": \"d.wav\"}}]} | project: blockSize: must be a whole number",
            "{\"tracks\": []} | project: tracks: must hold at least one track",
            "{\"tracks\": [{\"name\": \"../etc\", \"source\": {\"file\": \"d.wav\"}}]} | tracks[0]: name: '../etc' cannot be a file name",
            "{\"tracks\": [{\"name\": \"mix\", \"source\": {\"file\": \"d.wav\"}}]} | tracks[0]: name: 'mix' is reserved",
            "{\"tracks\": [{\"name\": \"a\", \"source\": {\"file\": \"d.wav\"}}, {\"name\": \"A\", \"source\": {\"file\": \"d.wav\"}}]} | tracks[1]: name: 'A' is used by another track",
            "{\"tracks\": [{\"name\": \"a\"}]} | track 'a': source: is required",
            "{\"tracks\": [{\"name\": \"a\", \"source\": {\"file\": \"d.wav\"}}], \"master\": {\"strip\": {\"solo\": true}}} | project: master.strip.solo: unknown field",
            "{\"tracks\": [{\"name\": \"a\", \"source\": {\"file\": \"d.wav\"}}], \"extra\": 1} | project: extra: unknown field",
    })
    void shouldNameTheTrackAndFieldOfBadInput(String json, String expected) {
        String message = error(json);
        assertTrue(message.startsWith(expected.strip()), () -> "got: " + message);
    }

    @Test
    void shouldRejectInvalidJsonWithItsPosition() {
        String message = error("{\"tracks\": [}");
        assertTrue(message.contains("not valid JSON") && message.contains("line 1"), message);
    }
}
