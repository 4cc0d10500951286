package cloud.dawg.gateway.session;

import java.util.Locale;

/** What a participant may do: the owner and editors change parameters and stream; listeners only listen. */
public enum Role {
    OWNER, EDITOR, LISTENER;

    public boolean canEdit() {
        return this != LISTENER;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String text) {
        for (Role r : values()) {
            if (r.wireName().equals(text)) {
                return r;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a role: use editor or listener");
    }
}
