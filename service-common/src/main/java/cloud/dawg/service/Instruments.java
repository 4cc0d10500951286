package cloud.dawg.service;

import cloud.dawg.dsp.strip.InvalidParameterException;
import cloud.dawg.dsp.synth.EnvelopeSettings;
import cloud.dawg.dsp.synth.FilterSettings;
import cloud.dawg.dsp.synth.InstrumentSettings;
import cloud.dawg.dsp.synth.OscillatorSettings;
import cloud.dawg.dsp.synth.Waveform;
import cloud.dawg.proto.v1.Envelope;
import cloud.dawg.proto.v1.Filter;
import cloud.dawg.proto.v1.Instrument;
import cloud.dawg.proto.v1.Oscillator;

import java.util.ArrayList;
import java.util.List;

/** Instruments between the wire ({@link Instrument}) and the engine ({@link InstrumentSettings}). */
public final class Instruments {
    private Instruments() {
    }

    /** @throws InvalidParameterException naming the field, prefixed by {@code path} */
    public static InstrumentSettings fromProto(Instrument i, int sampleRate, String path) {
        String where = path;
        try {
            List<OscillatorSettings> oscillators = new ArrayList<>();
            for (int k = 0; k < i.getOscillatorsCount(); k++) {
                where = path + ".oscillators[" + k + "]";
                Oscillator o = i.getOscillators(k);
                Waveform wave = switch (o.getWave()) {
                    case SINE -> Waveform.SINE;
                    case SAW -> Waveform.SAW;
                    case SQUARE -> Waveform.SQUARE;
                    case TRIANGLE -> Waveform.TRIANGLE;
                    default -> throw new InvalidParameterException("wave", "must be one of SINE, SAW, SQUARE, TRIANGLE");
                };
                oscillators.add(new OscillatorSettings(wave, o.getDetuneCents(), o.getLevel()));
            }
            where = path + ".envelope";
            if (!i.hasEnvelope()) {
                throw new InvalidParameterException("", "is required");
            }
            Envelope e = i.getEnvelope();
            EnvelopeSettings envelope = new EnvelopeSettings(e.getAttack(), e.getDecay(), e.getSustain(), e.getRelease());
            where = path + ".filter";
            Filter f = i.hasFilter() ? i.getFilter() : Filter.newBuilder().setCutoffHz(FilterSettings.DEFAULT.cutoffHz()).setQ(FilterSettings.DEFAULT.q()).build();
            FilterSettings filter = new FilterSettings(f.getActive(), f.getCutoffHz(), f.getQ());
            where = path;
            return new InstrumentSettings(oscillators, envelope, filter, i.getGain(), i.getMaxVoices()).validateFor(sampleRate);
        } catch (InvalidParameterException e) {
            String field = e.field().isEmpty() ? where : where + "." + e.field();
            throw new InvalidParameterException(field, e.getMessage().substring(e.field().length() + 2));
        }
    }

    public static Instrument toProto(InstrumentSettings s) {
        Instrument.Builder b = Instrument.newBuilder().setGain(s.gain()).setMaxVoices(s.maxVoices())
                .setEnvelope(Envelope.newBuilder().setAttack(s.envelope().attack()).setDecay(s.envelope().decay())
                        .setSustain(s.envelope().sustain()).setRelease(s.envelope().release()))
                .setFilter(Filter.newBuilder().setActive(s.filter().active()).setCutoffHz(s.filter().cutoffHz()).setQ(s.filter().q()));
        for (OscillatorSettings o : s.oscillators()) {
            b.addOscillators(Oscillator.newBuilder().setWave(Oscillator.Wave.valueOf(o.wave().name()))
                    .setDetuneCents(o.detuneCents()).setLevel(o.level()));
        }
        return b.build();
    }
}
