package cloud.dawg.render;

import cloud.dawg.dsp.strip.StripSettings;
import cloud.dawg.dsp.synth.InstrumentSettings;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * A parsed, validated project: what {@code dawg render} renders. Paths are already resolved
 * against the project file's folder. See docs/project-format.md.
 */
public record Project(int sampleRate, int blockSize, List<Track> tracks, StripSettings master,
                      OptionalLong lengthFrames) {

    public Project {
        tracks = List.copyOf(tracks);
    }

    /**
     * A track through a channel strip, fed either by a WAV file ({@code file}) or by a MIDI file
     * played by an instrument ({@code midi} and {@code instrument}); the other pair is null.
     */
    public record Track(String name, Path file, Path midi, InstrumentSettings instrument, StripSettings strip) {
        public static Track audio(String name, Path file, StripSettings strip) {
            return new Track(name, file, null, null, strip);
        }

        public static Track instrument(String name, Path midi, InstrumentSettings instrument, StripSettings strip) {
            return new Track(name, null, midi, instrument, strip);
        }

        public boolean isInstrument() {
            return midi != null;
        }
    }
}
