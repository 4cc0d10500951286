package cloud.dawg.gateway.session;

/** A participant broke the protocol: the connection is closed with this code and reason. */
public final class ProtocolException extends Exception {
    private final int code;

    public ProtocolException(int code, String reason) {
        super(reason, null, false, false);
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The close reason, cut to the 123 bytes a WebSocket close frame can carry. */
    public String reason() {
        String r = getMessage();
        while (r.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 123) {
            r = r.substring(0, r.length() - 2) + "…";
        }
        return r;
    }
}
