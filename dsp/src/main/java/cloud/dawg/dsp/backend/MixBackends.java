package cloud.dawg.dsp.backend;

import cloud.dawg.dsp.backend.jni.NativeMixBackend;
import cloud.dawg.dsp.backend.scalar.ScalarMixBackend;
import cloud.dawg.dsp.backend.simd.SimdMixBackend;

import java.util.List;
import java.util.Locale;

/** The three mix backends, by name. Choosing among them by speed is the backend selector's job. */
public final class MixBackends {
    public static final List<String> NAMES = List.of(ScalarMixBackend.NAME, SimdMixBackend.NAME, NativeMixBackend.NAME);

    private MixBackends() {
    }

    /** Every backend, available or not, in fallback order from the reference up. */
    public static List<MixBackend> all() {
        return List.of(new ScalarMixBackend(), new SimdMixBackend(), NativeMixBackend.shared());
    }

    public static MixBackend byName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case ScalarMixBackend.NAME -> new ScalarMixBackend();
            case SimdMixBackend.NAME -> new SimdMixBackend();
            case NativeMixBackend.NAME -> NativeMixBackend.shared();
            default -> throw new IllegalArgumentException("unknown backend '" + name + "': expected one of " + NAMES);
        };
    }

    /**
     * The best available backend for a plain local run: native, else simd, else scalar.
     * (The backend selector refines this with calibration.)
     */
    public static MixBackend preferred() {
        for (String name : List.of(NativeMixBackend.NAME, SimdMixBackend.NAME)) {
            MixBackend backend = byName(name);
            if (backend.availability().available()) {
                return backend;
            }
        }
        return new ScalarMixBackend();
    }
}
