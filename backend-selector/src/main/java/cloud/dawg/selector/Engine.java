package cloud.dawg.selector;

import java.util.Locale;

/** The two DSP engines a node runs, each with its own backend choice and capacity unit. */
public enum Engine {
    MIX("strips"), SYNTH("voices");

    private final String unit;

    Engine(String unit) {
        this.unit = unit;
    }

    /** {@code mix} or {@code synth}: in property names, JSON and NFD labels. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** What the engine's capacity counts: realtime {@code strips} or {@code voices}. */
    public String unit() {
        return unit;
    }
}
