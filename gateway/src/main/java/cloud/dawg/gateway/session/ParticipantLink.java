package cloud.dawg.gateway.session;

/**
 * A connected participant as the session sees it, whatever carries it (WebSocket or gRPC). Sends
 * never block: each link has a bounded outbound queue that drops its own oldest mix frames when
 * the participant is slow.
 */
public interface ParticipantLink {
    /** A block of the master or monitor mix, shared read-only between participants. */
    void sendMix(MixFrame frame);

    void sendControl(ControlMessage message);

    /** Ends the connection; {@code code} is a {@link CloseCodes} value, {@code reason} says why. */
    void close(int code, String reason);

    /** Mix frames this link dropped because its participant did not keep up. */
    long dropped();
}
