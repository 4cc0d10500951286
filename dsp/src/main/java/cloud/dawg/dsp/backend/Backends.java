package cloud.dawg.dsp.backend;

import cloud.dawg.dsp.backend.jni.NativeBackend;
import cloud.dawg.dsp.backend.scalar.ScalarBackend;
import cloud.dawg.dsp.backend.simd.SimdBackend;

import java.util.List;
import java.util.Locale;

/** The three mix backends, by name. Choosing among them by speed is the backend selector's job. */
public final class Backends {
    public static final List<String> NAMES = List.of(ScalarBackend.NAME, SimdBackend.NAME, NativeBackend.NAME);

    private Backends() {
    }

    /** Every backend, available or not, in fallback order from the reference up. */
    public static List<Backend> all() {
        return List.of(new ScalarBackend(), new SimdBackend(), NativeBackend.shared());
    }

    public static Backend byName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case ScalarBackend.NAME -> new ScalarBackend();
            case SimdBackend.NAME -> new SimdBackend();
            case NativeBackend.NAME -> NativeBackend.shared();
            default -> throw new IllegalArgumentException("unknown backend '" + name + "': expected one of " + NAMES);
        };
    }

    /**
     * The best available backend for a plain local run: native, else simd, else scalar.
     * (The backend selector refines this with calibration.)
     */
    public static Backend preferred() {
        for (String name : List.of(NativeBackend.NAME, SimdBackend.NAME)) {
            Backend backend = byName(name);
            if (backend.availability().available()) {
                return backend;
            }
        }
        return new ScalarBackend();
    }
}
