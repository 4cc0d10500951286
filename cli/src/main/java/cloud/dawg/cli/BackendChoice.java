package cloud.dawg.cli;

import cloud.dawg.dsp.backend.Backend;
import cloud.dawg.dsp.backend.Backends;

import java.util.List;
import java.util.Locale;

/** Turns a {@code --backend} value into backends, failing with a message when one cannot run. */
final class BackendChoice {
    private BackendChoice() {
    }

    static Backend single(String name) throws BadInput {
        return single(name, "auto");
    }

    /** {@code alsoAccepted}: the other words the calling option takes, for the error message. */
    private static Backend single(String name, String alsoAccepted) throws BadInput {
        if (name.equalsIgnoreCase("auto")) {
            return Backends.preferred();
        }
        Backend backend = byName(name, alsoAccepted);
        if (!backend.availability().available()) {
            throw new BadInput("--backend " + name + ": unavailable here: " + backend.availability().reason());
        }
        return backend;
    }

    /**
     * For benchmarks: {@code all} means every backend (unavailable ones reported, not run),
     * {@code auto} the one a render would pick.
     */
    static List<Backend> many(String name) throws BadInput {
        if (name.equalsIgnoreCase("all")) {
            return Backends.all();
        }
        return List.of(single(name, "all, auto"));
    }

    private static Backend byName(String name, String alsoAccepted) throws BadInput {
        try {
            return Backends.byName(name.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadInput("--backend: " + e.getMessage() + " or " + alsoAccepted);
        }
    }

    /** A user error: printed as is, exit code 2. */
    static final class BadInput extends Exception {
        BadInput(String message) {
            super(message);
        }
    }
}
