package cloud.dawg.render;

import cloud.dawg.dsp.backend.Backend;
import cloud.dawg.dsp.synth.InstrumentSettings;
import cloud.dawg.dsp.synth.SynthEngine;

import java.util.List;

/** A MIDI file's events played by a synth on the render's backend, block by block, each event at its exact frame. */
final class MidiInstrument implements TrackInput {
    private final List<MidiNotes.Event> events;
    private final SynthEngine synth;
    private final long frames;
    private long position;
    private int next;

    MidiInstrument(List<MidiNotes.Event> events, InstrumentSettings instrument, Backend backend, int sampleRate, int block) {
        this.events = events;
        this.synth = new SynthEngine(backend, instrument, sampleRate, block);
        long end = events.isEmpty() ? 0 : events.getLast().frame();
        // the last event plus the release, so the final notes ring out
        this.frames = end + (long) Math.ceil(instrument.envelope().release() * sampleRate) + 1;
    }

    @Override
    public long frames() {
        return frames;
    }

    @Override
    public void read(float[] left, float[] right, int n) {
        while (next < events.size() && events.get(next).frame() < position + n) {
            MidiNotes.Event e = events.get(next++);
            int offset = (int) (e.frame() - position);
            switch (e.type()) {
                case NOTE_ON -> synth.noteOn(offset, e.note(), e.value());
                case NOTE_OFF -> synth.noteOff(offset, e.note());
                case SUSTAIN -> synth.sustain(offset, e.value() != 0);
                case ALL_NOTES_OFF -> synth.allNotesOff(offset);
            }
        }
        synth.process(left, right, 0, n);
        position += n;
    }

    @Override
    public void close() {
        synth.close();
    }
}
