package cloud.dawg.gateway.session;

/**
 * A connected participant as the session sees it, whatever carries it. Sends never block: each
 * link has a bounded outbound queue that drops its own oldest audio when the participant is slow.
 */
public interface ParticipantLink {
    /** A mix frame (master or monitor), shared read-only between participants. */
    void sendAudio(byte[] frame);

    /** A JSON control message. */
    void sendText(String json);

    void close(int code, String reason);

    /** Audio frames this link dropped because its participant did not keep up. */
    long dropped();
}
