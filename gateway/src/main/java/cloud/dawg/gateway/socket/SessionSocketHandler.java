package cloud.dawg.gateway.socket;

import cloud.dawg.gateway.session.CloseCodes;
import cloud.dawg.gateway.session.ParticipantDrops;
import cloud.dawg.gateway.session.ParticipantJoin;
import cloud.dawg.gateway.session.ProtocolException;
import cloud.dawg.gateway.session.SessionRegistry;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import java.time.Duration;

/** {@code /ws/sessions/{id}}: one {@link SocketParticipant} per connection (protocol in docs/protocol.md). */
public final class SessionSocketHandler implements WebSocketHandler {
    public static final String PATH = "/ws/sessions/";
    static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);

    private final SessionRegistry registry;
    private final ParticipantJoin joiner;
    private final int audioQueue;
    private final int maxMessageBytes;
    private final ParticipantDrops drops;

    public SessionSocketHandler(SessionRegistry registry, ParticipantJoin joiner, int audioQueue, int maxMessageBytes,
                                ParticipantDrops drops) {
        this.registry = registry;
        this.joiner = joiner;
        this.audioQueue = audioQueue;
        this.maxMessageBytes = maxMessageBytes;
        this.drops = drops;
    }

    @Override
    public Mono<Void> handle(WebSocketSession socket) {
        String path = socket.getHandshakeInfo().getUri().getPath();
        String id = path.substring(path.lastIndexOf('/') + 1);
        if (registry.get(id).isEmpty()) {
            ProtocolException e = new ProtocolException(CloseCodes.UNKNOWN_SESSION, "no session " + id + " (unknown or ended)");
            return socket.close(new CloseStatus(e.code(), e.reason()));
        }
        SocketParticipant participant = new SocketParticipant(socket, id, joiner, audioQueue, maxMessageBytes, drops);
        Mono<Void> in = socket.receive().doOnNext(participant::receive).then();
        Mono<Void> out = socket.send(participant.outbound());
        Disposable joinDeadline = Mono.delay(JOIN_TIMEOUT).subscribe(t -> participant.closeIfNotJoined());
        return Mono.firstWithSignal(in, out).doFinally(signal -> {
            joinDeadline.dispose();
            participant.disconnected();
        });
    }
}
