package cloud.dawg.gateway.session;

import java.util.OptionalInt;

/**
 * The join handshake, the same for every transport: the token must be signed by this deployment
 * and be for this session, the session must be live, and the client's audio format (if it says)
 * must be the session's.
 */
public final class ParticipantJoin {
    /** A participant in its session, with the {@code joined} message to send it. */
    public record Joined(LiveSession session, String participant, Role role, ControlMessage message) {
    }

    private final SessionRegistry registry;
    private final Tokens tokens;

    public ParticipantJoin(SessionRegistry registry, Tokens tokens) {
        this.registry = registry;
        this.tokens = tokens;
    }

    public Joined join(String sessionId, String token, OptionalInt sampleRate, OptionalInt blockSize, boolean monitor,
                       ParticipantLink link) throws ProtocolException {
        Tokens.Claims claims;
        try {
            claims = tokens.verify(token);
        } catch (Tokens.InvalidTokenException e) {
            throw new ProtocolException(CloseCodes.BAD_TOKEN, e.getMessage());
        }
        if (!claims.sessionId().equals(sessionId)) {
            throw new ProtocolException(CloseCodes.FORBIDDEN, "the token is for another session");
        }
        LiveSession live = registry.get(sessionId).orElseThrow(() ->
                new ProtocolException(CloseCodes.UNKNOWN_SESSION, "session " + sessionId + " has ended"));
        if (sampleRate.isPresent() && sampleRate.getAsInt() != live.spec().sampleRate()) {
            throw new ProtocolException(CloseCodes.WRONG_FORMAT, "the session runs at " + live.spec().sampleRate()
                    + " Hz; the client runs at " + sampleRate.getAsInt() + " Hz");
        }
        if (blockSize.isPresent() && blockSize.getAsInt() != live.spec().blockSize()) {
            throw new ProtocolException(CloseCodes.WRONG_FORMAT, "the session's block size is " + live.spec().blockSize()
                    + " frames; the client uses " + blockSize.getAsInt());
        }
        ControlMessage joined = live.join(claims.participant(), claims.role(), link, monitor);
        return new Joined(live, claims.participant(), claims.role(), joined);
    }
}
