package cloud.dawg.render;

import cloud.dawg.dsp.backend.scalar.ScalarBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OfflineRendererTest {
    @TempDir
    Path dir;

    static void writePcm16(Path file, int rate, int channels, short[] interleaved) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(interleaved.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : interleaved) {
            b.putShort(s);
        }
        AudioFormat f = new AudioFormat(rate, 16, channels, true, false);
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(b.array()), f, interleaved.length / channels)) {
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, file.toFile());
        }
    }

    private Path project(String json) throws Exception {
        Path p = dir.resolve("project.json");
        Files.writeString(p, json);
        return p;
    }

    @Test
    void shouldPadShortSourcesAndFeedMonoToBothSides() throws Exception {
        writePcm16(dir.resolve("mono.wav"), 48000, 1, new short[]{16384, -16384, 8192});
        Path out = dir.resolve("out");
        Project p = ProjectParser.parse(project("{\"lengthFrames\": 5, \"tracks\": [{\"name\": \"m\", \"source\": {\"file\": \"mono.wav\"}}]}"));
        OfflineRenderer.render(p, out, new ScalarBackend(), OfflineRenderer.Progress.NONE);
        float[][] track = WavFiles.read(out.resolve("m.wav"));
        // centre pan on stereo input: L' = L + R*cos(pi/2) = L, R' = R*sin(pi/2) = R
        assertArrayEquals(new float[]{0.5f, -0.5f, 0.25f, 0, 0}, track[0], 1e-7f);
        assertArrayEquals(track[0], track[1], 1e-7f);
        assertArrayEquals(track[0], WavFiles.read(out.resolve("mix.wav"))[0], 1e-7f);
    }

    @Test
    void shouldRefuseASourceAtAnotherSampleRateAndWriteNothing() throws Exception {
        writePcm16(dir.resolve("a.wav"), 48000, 2, new short[]{1, 2, 3, 4});
        writePcm16(dir.resolve("b.wav"), 44100, 2, new short[]{1, 2, 3, 4});
        Path out = dir.resolve("out");
        Project p = ProjectParser.parse(project("{\"tracks\": [{\"name\": \"a\", \"source\": {\"file\": \"a.wav\"}},"
                + " {\"name\": \"b\", \"source\": {\"file\": \"b.wav\"}}]}"));
        ProjectException e = assertThrows(ProjectException.class,
                () -> OfflineRenderer.render(p, out, new ScalarBackend(), OfflineRenderer.Progress.NONE));
        assertTrue(e.getMessage().startsWith("track 'b': source.file: b.wav is at 44100 Hz but the project's sampleRate is 48000 Hz"), e.getMessage());
        assertTrue(!Files.exists(out) || isEmpty(out), "no partial output");
    }

    @Test
    void shouldNameAMissingSource() throws Exception {
        Project p = ProjectParser.parse(project("{\"tracks\": [{\"name\": \"gone\", \"source\": {\"file\": \"nope.wav\"}}]}"));
        ProjectException e = assertThrows(ProjectException.class,
                () -> OfflineRenderer.render(p, dir.resolve("out"), new ScalarBackend(), OfflineRenderer.Progress.NONE));
        assertTrue(e.getMessage().startsWith("track 'gone': source.file: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("does not exist"), e.getMessage());
    }

    @Test
    void shouldRejectAFileThatIsNotAWav() throws Exception {
        Files.writeString(dir.resolve("text.wav"), "hello, I am not audio");
        Project p = ProjectParser.parse(project("{\"tracks\": [{\"name\": \"t\", \"source\": {\"file\": \"text.wav\"}}]}"));
        ProjectException e = assertThrows(ProjectException.class,
                () -> OfflineRenderer.render(p, dir.resolve("out"), new ScalarBackend(), OfflineRenderer.Progress.NONE));
        assertTrue(e.getMessage().contains("track 't': source.file: text.wav is not a WAV file"), e.getMessage());
    }

    @Test
    void shouldReplaceAnEarlierRenderAtomicallyAndLeaveNoTemporaryFiles() throws Exception {
        writePcm16(dir.resolve("a.wav"), 48000, 2, new short[]{1000, 2000, 3000, 4000});
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("a.wav"), "old");
        Project p = ProjectParser.parse(project("{\"tracks\": [{\"name\": \"a\", \"source\": {\"file\": \"a.wav\"}}]}"));
        OfflineRenderer.render(p, out, new ScalarBackend(), OfflineRenderer.Progress.NONE);
        assertEquals(2, WavFiles.read(out.resolve("a.wav"))[0].length);
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(2, files.count(), "a.wav and mix.wav only");
        }
    }

    private static boolean isEmpty(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.findAny().isEmpty();
        }
    }
}
