package cloud.dawg.gateway.socket;

import cloud.dawg.gateway.session.CloseCodes;
import cloud.dawg.gateway.session.ControlMessage;
import cloud.dawg.gateway.session.LiveSession;
import cloud.dawg.gateway.session.MixFrame;
import cloud.dawg.gateway.session.ParticipantDrops;
import cloud.dawg.gateway.session.ParticipantJoin;
import cloud.dawg.gateway.session.ParticipantLink;
import cloud.dawg.gateway.session.ProtocolException;
import cloud.dawg.gateway.session.Role;
import cloud.dawg.service.ThreadScratch;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import java.nio.ByteBuffer;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One browser connection: join handshake, then audio and control messages into the session, and
 * the session's mix, meters and state changes out. Outbound audio waits in a small queue that
 * drops its oldest frame when the browser does not keep up, so a slow participant only loses its
 * own audio; control messages have their own (larger) queue, and a participant that overflows
 * even that is disconnected.
 */
final class SocketParticipant implements ParticipantLink {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Audio frames are copied here to be parsed (see onBinary): one array per event-loop thread. */
    private static final ThreadScratch FRAMES = new ThreadScratch(16 << 10);
    static final int CONTROL_QUEUE = 1024;

    private final WebSocketSession socket;
    private final String sessionId;
    private final ParticipantJoin joiner;
    private final int audioQueue;
    private final int maxMessageBytes;
    private final AtomicLong dropped = new AtomicLong();
    private final ParticipantDrops droppedTotal;
    private final Sinks.Many<byte[]> audio = Sinks.many().unicast().onBackpressureBuffer();
    private final Sinks.Many<String> text = Sinks.many().unicast().onBackpressureBuffer();
    private LiveSession session;
    private String name;
    private Role role;
    private volatile boolean closed;

    SocketParticipant(WebSocketSession socket, String sessionId, ParticipantJoin joiner, int audioQueue, int maxMessageBytes,
                      ParticipantDrops droppedTotal) {
        this.maxMessageBytes = maxMessageBytes;
        this.socket = socket;
        this.sessionId = sessionId;
        this.joiner = joiner;
        this.audioQueue = audioQueue;
        this.droppedTotal = droppedTotal;
    }

    Flux<WebSocketMessage> outbound() {
        Flux<WebSocketMessage> audioOut = audio.asFlux()
                .onBackpressureBuffer(audioQueue, frame -> {
                    dropped.incrementAndGet();
                    droppedTotal.add();
                }, BufferOverflowStrategy.DROP_OLDEST)
                .map(frame -> socket.binaryMessage(f -> f.wrap(frame)));
        Flux<WebSocketMessage> textOut = text.asFlux()
                .onBackpressureBuffer(CONTROL_QUEUE, t -> close(CloseCodes.BAD_MESSAGE, "too slow: control queue overflowed"))
                .map(socket::textMessage);
        return Flux.merge(textOut, audioOut);
    }

    /** Handles one inbound message; protocol errors close the connection with their code. */
    void receive(WebSocketMessage message) {
        if (closed) {
            return;
        }
        try {
            int size = message.getPayload().readableByteCount();
            if (size > maxMessageBytes) {
                throw new ProtocolException(CloseCodes.TOO_BIG, "message of " + size + " bytes is above the limit of " + maxMessageBytes);
            }
            if (message.getType() == WebSocketMessage.Type.TEXT) {
                onText(message.getPayloadAsText());
            } else if (message.getType() == WebSocketMessage.Type.BINARY) {
                onBinary(message.getPayload());
            }
        } catch (ProtocolException e) {
            close(e.code(), e.reason());
        }
    }

    private void onText(String payload) throws ProtocolException {
        JsonNode json;
        try {
            json = JSON.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new ProtocolException(CloseCodes.BAD_MESSAGE, "text message is not valid JSON: " + e.getOriginalMessage());
        }
        if (json == null || !json.isObject()) {
            throw new ProtocolException(CloseCodes.BAD_MESSAGE, "text message must be a JSON object with a type");
        }
        if (session == null) {
            join(json);
            return;
        }
        ControlMessage error = session.control(name, role, json);
        if (error != null) {
            sendControl(error);
        }
    }

    private void join(JsonNode json) throws ProtocolException {
        if (!"join".equals(json.path("type").asText())) {
            throw new ProtocolException(CloseCodes.BAD_TOKEN, "the first message must be {\"type\":\"join\",\"token\":...}");
        }
        ParticipantJoin.Joined joined = joiner.join(sessionId, json.path("token").asText(null), intField(json, "sampleRate"),
                intField(json, "blockSize"), json.path("monitorMix").asBoolean(false), this);
        session = joined.session();
        name = joined.participant();
        role = joined.role();
        sendControl(joined.message());
    }

    private static OptionalInt intField(JsonNode json, String field) {
        return json.has(field) ? OptionalInt.of(json.get(field).asInt()) : OptionalInt.empty();
    }

    private void onBinary(DataBuffer payload) throws ProtocolException {
        if (session == null) {
            throw new ProtocolException(CloseCodes.BAD_TOKEN, "join with a token before sending audio");
        }
        // Copied into this event loop's scratch array, whose tracks the parse then views. Netty's
        // frame is direct memory, and protobuf (4.36) copies a direct buffer into a new array
        // when asked to wrap it: 8 KB allocated per 8-track block. The request is serialised
        // inside session.audio, before this thread's next frame overwrites the scratch.
        int size = payload.readableByteCount();
        byte[] bytes = FRAMES.atLeast(size);
        payload.read(bytes, 0, size);
        session.audio(name, role, ByteBuffer.wrap(bytes, 0, size));
    }

    void closeIfNotJoined() {
        if (session == null) {
            close(CloseCodes.BAD_TOKEN, "no join message within " + SessionSocketHandler.JOIN_TIMEOUT.toSeconds() + " s");
        }
    }

    void disconnected() {
        closed = true;
        if (session != null) {
            session.leave(name, this);
        }
        audio.tryEmitComplete();
        text.tryEmitComplete();
    }

    @Override
    public synchronized void sendMix(MixFrame frame) {
        if (!closed) {
            audio.tryEmitNext(frame.socketFrame());
        }
    }

    @Override
    public synchronized void sendControl(ControlMessage message) {
        if (!closed) {
            text.tryEmitNext(message.json());
        }
    }

    @Override
    public void close(int code, String reason) {
        if (closed) {
            return;
        }
        closed = true;
        if (session != null) {
            session.leave(name, this);
        }
        socket.close(new CloseStatus(code, reason)).subscribe();
    }

    @Override
    public long dropped() {
        return dropped.get();
    }
}
