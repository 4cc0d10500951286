package cloud.dawg.selector;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * What the operator asked for: {@code dawg.backend=auto|scalar|simd|native} for both engines,
 * {@code dawg.backend.mix} / {@code dawg.backend.synth} per engine (these win), and
 * {@code dawg.backend.fallback=true|false} (default true): whether an unavailable or failing
 * backend gives way to the next one (native, then simd, then scalar) or stops the service.
 * Read from system properties, else from the environment ({@code DAWG_BACKEND},
 * {@code DAWG_BACKEND_MIX}, {@code DAWG_BACKEND_SYNTH}, {@code DAWG_BACKEND_FALLBACK}).
 */
public record Overrides(Map<Engine, String> backend, boolean fallback) {
    public static final String AUTO = "auto";
    public static final List<String> CHOICES = List.of(AUTO, "scalar", "simd", "native");
    public static final String PROPERTY = "dawg.backend", FALLBACK_PROPERTY = "dawg.backend.fallback";

    public Overrides {
        backend = Map.copyOf(backend);
    }

    public static Overrides auto() {
        return new Overrides(Map.of(Engine.MIX, AUTO, Engine.SYNTH, AUTO), true);
    }

    /** The requested backend of an engine, {@code auto} unless forced. */
    public String requested(Engine engine) {
        return backend.getOrDefault(engine, AUTO);
    }

    /** The property that set an engine's choice, for messages. */
    public static String propertyOf(Engine engine) {
        return PROPERTY + "." + engine.key();
    }

    /** From system properties and the environment. */
    public static Overrides fromSystem() {
        return from(System::getProperty, System::getenv);
    }

    /**
     * @throws IllegalArgumentException naming the property and the allowed values when a value is not understood
     */
    static Overrides from(Function<String, String> properties, Function<String, String> environment) {
        String both = value(properties, environment, PROPERTY);
        Map<Engine, String> chosen = new EnumMap<>(Engine.class);
        for (Engine engine : Engine.values()) {
            String own = value(properties, environment, propertyOf(engine));
            String picked = own != null ? own : both != null ? both : AUTO;
            String name = own != null ? propertyOf(engine) : PROPERTY;
            String normal = picked.trim().toLowerCase(Locale.ROOT);
            if (!CHOICES.contains(normal)) {
                throw new IllegalArgumentException(name + "=" + picked + " is not one of " + String.join("|", CHOICES));
            }
            chosen.put(engine, normal);
        }
        String fallback = value(properties, environment, FALLBACK_PROPERTY);
        boolean allow = true;
        if (fallback != null) {
            switch (fallback.trim().toLowerCase(Locale.ROOT)) {
                case "true" -> allow = true;
                case "false" -> allow = false;
                default -> throw new IllegalArgumentException(FALLBACK_PROPERTY + "=" + fallback + " is not true or false");
            }
        }
        return new Overrides(chosen, allow);
    }

    private static String value(Function<String, String> properties, Function<String, String> environment, String property) {
        String v = properties.apply(property);
        if (v == null) {
            v = environment.apply(property.toUpperCase(Locale.ROOT).replace('.', '_'));
        }
        return v == null || v.isBlank() ? null : v;
    }
}
