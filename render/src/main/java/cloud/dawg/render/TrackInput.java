package cloud.dawg.render;

import cloud.dawg.dsp.backend.Backend;

import java.io.Closeable;
import java.io.IOException;

/** Where a track's audio comes from during a render: a WAV file, or MIDI played by an instrument. */
public interface TrackInput extends Closeable {

    /** Frames the track naturally lasts (a file's length; the last MIDI event plus the release). */
    long frames();

    /** The next {@code n} frames of the track, silence past its end. */
    void read(float[] left, float[] right, int n) throws IOException;

    /** Opens a track's input, checked against the project (sample rate, file format). */
    static TrackInput open(Project.Track track, Backend backend, int sampleRate, int block) throws ProjectException {
        String owner = "track '" + track.name() + "'";
        if (track.isInstrument()) {
            return new MidiInstrument(MidiNotes.read(track.midi(), sampleRate, owner), track.instrument(), backend, sampleRate, block);
        }
        WavSource source = WavSource.open(track.file(), owner, block);
        if (source.sampleRate() != sampleRate) {
            try {
                source.close();
            } catch (IOException ignored) {
                // already failing with a better message
            }
            throw new ProjectException(owner + ": source.file: " + track.file().getFileName() + " is at " + source.sampleRate()
                    + " Hz but the project's sampleRate is " + sampleRate + " Hz (resample it first)");
        }
        return source;
    }
}
