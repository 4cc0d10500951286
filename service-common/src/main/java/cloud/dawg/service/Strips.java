package cloud.dawg.service;

import cloud.dawg.dsp.strip.CompressorSettings;
import cloud.dawg.dsp.strip.EqBand;
import cloud.dawg.dsp.strip.EqSettings;
import cloud.dawg.dsp.strip.InvalidParameterException;
import cloud.dawg.dsp.strip.StripSettings;
import cloud.dawg.proto.v1.Compressor;
import cloud.dawg.proto.v1.Eq;
import cloud.dawg.proto.v1.Strip;

/** Strip settings between the wire ({@link Strip}) and the engine ({@link StripSettings}). */
public final class Strips {
    private Strips() {
    }

    /**
     * The engine's settings for a wire strip, validated for the sample rate.
     *
     * @param path where the strip sits in the request, for error messages (e.g. "tracks[3].strip")
     * @throws InvalidParameterException naming the field with its path
     */
    public static StripSettings fromProto(Strip strip, int sampleRate, String path) {
        try {
            if (!strip.hasEq()) {
                throw new InvalidParameterException("eq", "is required");
            }
            if (!strip.hasComp()) {
                throw new InvalidParameterException("comp", "is required");
            }
            if (!strip.hasGain()) {
                throw new InvalidParameterException("gain", "is required (0..4; 1 is unity)");
            }
            if (!strip.hasPan()) {
                throw new InvalidParameterException("pan", "is required (-1..1; 0 is centre)");
            }
            Eq eq = strip.getEq();
            EqSettings eqSettings = new EqSettings(eq.getActive(), band(eq, "low"), band(eq, "mid"), band(eq, "high"));
            Compressor c = strip.getComp();
            CompressorSettings comp = new CompressorSettings(c.getActive(), c.getThresholdDb(), c.getRatio());
            return new StripSettings(eqSettings, comp, strip.getGain(), strip.getPan(), strip.getMono(), strip.getMute(), strip.getSolo())
                    .validateFor(sampleRate);
        } catch (InvalidParameterException e) {
            throw new InvalidParameterException(path + "." + e.field(), e.getMessage().substring(e.field().length() + 2));
        }
    }

    private static EqBand band(Eq eq, String name) {
        cloud.dawg.proto.v1.EqBand b = switch (name) {
            case "low" -> eq.hasLow() ? eq.getLow() : null;
            case "mid" -> eq.hasMid() ? eq.getMid() : null;
            default -> eq.hasHigh() ? eq.getHigh() : null;
        };
        if (b == null) {
            throw new InvalidParameterException("eq." + name, "is required");
        }
        try {
            double q = name.equals("mid") ? b.getQ() : EqBand.DEFAULT_Q;
            return new EqBand(b.getFreq(), b.getGainDb(), q);
        } catch (InvalidParameterException e) {
            throw new InvalidParameterException("eq." + name + "." + e.field(), e.getMessage().substring(e.field().length() + 2));
        }
    }

    public static Strip toProto(StripSettings s) {
        return Strip.newBuilder()
                .setEq(Eq.newBuilder().setActive(s.eq().active())
                        .setLow(band(s.eq().low())).setMid(band(s.eq().mid())).setHigh(band(s.eq().high())))
                .setComp(Compressor.newBuilder().setActive(s.comp().active()).setThresholdDb(s.comp().thresholdDb()).setRatio(s.comp().ratio()))
                .setGain(s.gain()).setPan(s.pan()).setMono(s.mono()).setMute(s.mute()).setSolo(s.solo())
                .build();
    }

    private static cloud.dawg.proto.v1.EqBand band(EqBand b) {
        return cloud.dawg.proto.v1.EqBand.newBuilder().setFreq(b.freq()).setGainDb(b.gainDb()).setQ(b.q()).build();
    }
}
