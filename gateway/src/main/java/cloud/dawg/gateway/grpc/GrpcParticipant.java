package cloud.dawg.gateway.grpc;

import cloud.dawg.dsp.strip.InvalidParameterException;
import cloud.dawg.dsp.strip.StripSettings;
import cloud.dawg.gateway.session.CloseCodes;
import cloud.dawg.gateway.session.ControlMessage;
import cloud.dawg.gateway.session.LiveSession;
import cloud.dawg.gateway.session.MixFrame;
import cloud.dawg.gateway.session.ParticipantDrops;
import cloud.dawg.gateway.session.ParticipantFrames;
import cloud.dawg.gateway.session.ParticipantJoin;
import cloud.dawg.gateway.session.ParticipantLink;
import cloud.dawg.gateway.session.ProtocolException;
import cloud.dawg.gateway.session.Role;
import cloud.dawg.gateway.session.StripJson;
import cloud.dawg.proto.v1.BlockAudio;
import cloud.dawg.proto.v1.JoinSession;
import cloud.dawg.proto.v1.NoteEvent;
import cloud.dawg.proto.v1.ParticipantRequest;
import cloud.dawg.proto.v1.ParticipantResponse;
import cloud.dawg.proto.v1.SessionEnded;
import cloud.dawg.proto.v1.Strip;
import cloud.dawg.proto.v1.TrackAudio;
import cloud.dawg.proto.v1.TrackNotes;
import cloud.dawg.service.Outbound;
import cloud.dawg.service.Strips;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.util.ArrayDeque;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One native client's {@code Join} stream: the same session protocol as a browser's WebSocket,
 * as protobuf. Control requests are handed to the session in the form the WebSocket uses, so
 * both front doors share one set of rules. Outbound, the transport may hold only a few blocks
 * (the on-ready threshold); behind it a bounded queue drops the participant's own oldest mix
 * blocks when the client does not keep up, as the WebSocket does.
 */
final class GrpcParticipant implements StreamObserver<ParticipantRequest>, ParticipantLink {
    static final int CONTROL_QUEUE = 1024;
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final ServerCallStreamObserver<ParticipantResponse> out;
    private final ParticipantJoin joiner;
    private final int mixQueueLimit;
    private final int maxRequestBytes;
    private final ParticipantDrops droppedTotal;
    private final ArrayDeque<ParticipantResponse> mixQueue = new ArrayDeque<>();
    private final ArrayDeque<ParticipantResponse> controlQueue = new ArrayDeque<>();
    private final AtomicLong dropped = new AtomicLong();
    private volatile LiveSession session;
    private String name;
    private Role role;
    private boolean closed;

    GrpcParticipant(ServerCallStreamObserver<ParticipantResponse> out, ParticipantJoin joiner, int mixQueueLimit,
                    ParticipantDrops droppedTotal, int maxRequestBytes) {
        this.maxRequestBytes = maxRequestBytes;
        this.out = out;
        this.joiner = joiner;
        this.mixQueueLimit = mixQueueLimit;
        this.droppedTotal = droppedTotal;
        out.setOnReadyThreshold(Outbound.DEFAULT_THRESHOLD_BYTES);
        out.setOnReadyHandler(this::drain);
        out.setOnCancelHandler(this::disconnected);
    }

    boolean joined() {
        return session != null;
    }

    // ---- inbound ----

    @Override
    public void onNext(ParticipantRequest request) {
        try {
            int size = request.getSerializedSize();
            if (size > maxRequestBytes) {
                throw new ProtocolException(CloseCodes.TOO_BIG, "request of " + size + " bytes is above the limit of " + maxRequestBytes);
            }
            if (session == null) {
                if (!request.hasJoin()) {
                    throw new ProtocolException(CloseCodes.BAD_MESSAGE, "the first request must be join (with a session id and token)");
                }
                join(request.getJoin());
                return;
            }
            ControlMessage reply = switch (request.getKindCase()) {
                case AUDIO -> {
                    audio(request.getAudio());
                    yield null;
                }
                case STRIP -> strip(request.getStrip().getTrack(), request.getStrip().getStrip(), false);
                case MASTER -> strip("", request.getMaster(), true);
                case NOTES -> session.control(name, role, notes(request.getNotes()));
                case MONITOR_MIX -> session.control(name, role, JSON.objectNode().put("type", "monitor")
                        .put("enabled", request.getMonitorMix()));
                case JOIN -> throw new ProtocolException(CloseCodes.BAD_MESSAGE, "already joined");
                case KIND_NOT_SET -> throw new ProtocolException(CloseCodes.BAD_MESSAGE,
                        "empty request: set one of audio, strip, master, notes, monitor_mix");
            };
            if (reply != null) {
                sendControl(reply);
            }
        } catch (ProtocolException e) {
            close(e.code(), e.reason());
        }
    }

    private void join(JoinSession join) throws ProtocolException {
        if (join.getSessionId().isEmpty()) {
            throw new ProtocolException(CloseCodes.BAD_MESSAGE, "join.session_id is required");
        }
        ParticipantJoin.Joined joined = joiner.join(join.getSessionId(), join.getToken().isEmpty() ? null : join.getToken(),
                join.hasSampleRate() ? OptionalInt.of(join.getSampleRate()) : OptionalInt.empty(),
                join.hasBlockSize() ? OptionalInt.of(join.getBlockSize()) : OptionalInt.empty(), join.getMonitorMix(), this);
        name = joined.participant();
        role = joined.role();
        session = joined.session();
        sendControl(joined.message());
    }

    private void audio(BlockAudio block) throws ProtocolException {
        int blockSize = session.spec().blockSize();
        ParticipantFrames.TrackBlock[] tracks = new ParticipantFrames.TrackBlock[block.getTracksCount()];
        for (int i = 0; i < tracks.length; i++) {
            TrackAudio t = block.getTracks(i);
            int bytes = t.getPcm().size();
            if (bytes != 4 * blockSize && bytes != 8 * blockSize) {
                throw new ProtocolException(CloseCodes.WRONG_FORMAT, "audio.tracks[" + i + "] (track " + t.getTrackId() + ") holds "
                        + bytes + " bytes; a block of " + blockSize + " frames is " + 8 * blockSize + " bytes stereo or "
                        + 4 * blockSize + " mono");
            }
            tracks[i] = new ParticipantFrames.TrackBlock(t.getTrackId(), t.getPcm());
        }
        session.audio(name, role, new ParticipantFrames.Audio(block.getSequence(), tracks));
    }

    /** A whole strip from the wire, validated, then applied as the WebSocket's patch would be. */
    private ControlMessage strip(String track, Strip strip, boolean master) throws ProtocolException {
        String owner = master ? "master" : "track '" + track + "'";
        StripSettings settings;
        try {
            settings = Strips.fromProto(strip, session.spec().sampleRate(), owner);
        } catch (InvalidParameterException e) {
            return ControlMessage.error("invalid-parameter", e.getMessage());
        }
        ObjectNode message = JSON.objectNode().put("type", master ? "master" : "strip");
        if (!master) {
            message.put("track", track);
        }
        message.set("strip", StripJson.toJson(settings, master));
        return session.control(name, role, message);
    }

    private static ObjectNode notes(TrackNotes notes) {
        ObjectNode message = JSON.objectNode().put("type", "notes").put("track", notes.getTrack()).put("sequence", notes.getSequence());
        var events = message.putArray("events");
        for (NoteEvent n : notes.getEventsList()) {
            ObjectNode e = events.addObject().put("frame", n.getFrameOffset());
            switch (n.getKindCase()) {
                case NOTE_ON -> e.put("noteOn", n.getNoteOn().getNote()).put("velocity", n.getNoteOn().getVelocity());
                case NOTE_OFF -> e.put("noteOff", n.getNoteOff());
                case SUSTAIN -> e.put("sustain", n.getSustain());
                case ALL_NOTES_OFF -> e.put("allNotesOff", n.getAllNotesOff());
                case KIND_NOT_SET -> { } // the session names the empty event
            }
        }
        return message;
    }

    @Override
    public void onError(Throwable t) {
        disconnected();
    }

    @Override
    public void onCompleted() {
        disconnected();
        synchronized (this) {
            if (!out.isCancelled()) {
                out.onCompleted();
            }
        }
    }

    private void disconnected() {
        LiveSession s;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            mixQueue.clear();
            controlQueue.clear();
            s = session;
        }
        if (s != null) {
            s.leave(name, this);
        }
    }

    // ---- outbound ----

    @Override
    public void sendMix(MixFrame frame) {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (mixQueue.size() == mixQueueLimit) {
                mixQueue.poll();
                dropped.incrementAndGet();
                droppedTotal.add();
            }
            mixQueue.add(frame.proto());
            drain();
        }
    }

    @Override
    public void sendControl(ControlMessage message) {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (controlQueue.size() < CONTROL_QUEUE) {
                controlQueue.add(message.proto());
                drain();
                return;
            }
        }
        close(CloseCodes.BAD_MESSAGE, "too slow: control queue overflowed");
    }

    /** Control first (it is small and must not be lost), then the oldest mix block still wanted. */
    private synchronized void drain() {
        while (!closed && out.isReady()) {
            ParticipantResponse next = controlQueue.isEmpty() ? mixQueue.poll() : controlQueue.poll();
            if (next == null) {
                return;
            }
            out.onNext(next);
        }
    }

    @Override
    public void close(int code, String reason) {
        LiveSession s;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            s = session;
            mixQueue.clear();
            if (!out.isCancelled()) {
                // control messages already queued (e.g. the reply that explains a refusal) go first
                for (ParticipantResponse r : controlQueue) {
                    out.onNext(r);
                }
                controlQueue.clear();
                if (code == CloseCodes.SESSION_ENDED || code == CloseCodes.NORMAL) {
                    out.onNext(ParticipantResponse.newBuilder().setEnded(SessionEnded.newBuilder().setReason(reason)).build());
                    out.onCompleted();
                } else {
                    out.onError(status(code).withDescription(reason).asRuntimeException());
                }
            }
        }
        if (s != null) {
            s.leave(name, this);
        }
    }

    /** The gRPC status for a close code of the participant protocol (session_service.proto). */
    static Status status(int closeCode) {
        return switch (closeCode) {
            case CloseCodes.BAD_TOKEN -> Status.UNAUTHENTICATED;
            case CloseCodes.FORBIDDEN -> Status.PERMISSION_DENIED;
            case CloseCodes.UNKNOWN_SESSION -> Status.NOT_FOUND;
            case CloseCodes.TOO_BIG -> Status.RESOURCE_EXHAUSTED;
            case CloseCodes.REPLACED -> Status.ABORTED;
            case CloseCodes.SERVER_ERROR -> Status.UNAVAILABLE;
            default -> Status.INVALID_ARGUMENT;
        };
    }

    @Override
    public long dropped() {
        return dropped.get();
    }
}
