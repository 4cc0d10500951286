package cloud.dawg.gateway.session;

/** WebSocket close codes of the participant protocol (docs/protocol.md). */
public final class CloseCodes {
    public static final int NORMAL = 1000;
    /** A binary frame is malformed or truncated. */
    public static final int MALFORMED_FRAME = 1007;
    /** A message is larger than the protocol allows. */
    public static final int TOO_BIG = 1009;
    /** The mix instance of the session failed. */
    public static final int SERVER_ERROR = 1011;
    /** A text message is not valid JSON or not a known message, or join came twice or late. */
    public static final int BAD_MESSAGE = 4400;
    /** The token is missing, malformed or not signed by this deployment. */
    public static final int BAD_TOKEN = 4401;
    /** The token is for another session, or the participant may not do what it tried (a listener sending audio, audio for another's track). */
    public static final int FORBIDDEN = 4403;
    /** No such session, or it has ended. */
    public static final int UNKNOWN_SESSION = 4404;
    /** The same participant joined again from another connection. */
    public static final int REPLACED = 4409;
    /** The session was ended by its owner. */
    public static final int SESSION_ENDED = 4410;
    /** The audio does not fit the session: wrong frame count, sample rate or channel count. */
    public static final int WRONG_FORMAT = 4422;

    private CloseCodes() {
    }
}
