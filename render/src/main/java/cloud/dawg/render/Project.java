package cloud.dawg.render;

import cloud.dawg.dsp.strip.StripSettings;

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

    /** An audio track: a WAV file through a channel strip. */
    public record Track(String name, Path file, StripSettings strip) {
    }
}
