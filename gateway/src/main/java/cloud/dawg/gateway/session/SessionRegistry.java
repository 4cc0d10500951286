package cloud.dawg.gateway.session;

import cloud.dawg.gateway.routing.InstanceRouter;
import cloud.dawg.gateway.routing.MixLink;
import cloud.dawg.gateway.routing.ServiceChannels;
import cloud.dawg.gateway.routing.SynthLink;
import cloud.dawg.proto.v1.MixOpened;
import cloud.dawg.proto.v1.OpenInstrument;
import cloud.dawg.proto.v1.OpenMix;
import cloud.dawg.proto.v1.TrackSpec;
import cloud.dawg.service.Instruments;
import cloud.dawg.service.Strips;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The sessions this gateway runs. Creating one opens its Mix stream on the first instance (in
 * rendezvous order) that admits it, then a Play stream per instrument track the same way.
 */
public final class SessionRegistry implements AutoCloseable {
    /** Why a session could not be created: HTTP status and detail for problem+json. */
    public static final class CreateException extends RuntimeException {
        private final int httpStatus;

        public CreateException(int httpStatus, String message) {
            super(message, null, false, false);
            this.httpStatus = httpStatus;
        }

        public int httpStatus() {
            return httpStatus;
        }
    }

    private static final long OPEN_TIMEOUT_SECONDS = 10;
    private final Map<String, LiveSession> sessions = new ConcurrentHashMap<>();
    private final InstanceRouter mixRouter, synthRouter;
    private final ServiceChannels channels;
    private final LongAdder audioDroppedForMix = new LongAdder();
    private final SecureRandom random = new SecureRandom();
    private final java.util.concurrent.ExecutorService opener = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    public SessionRegistry(InstanceRouter mixRouter, InstanceRouter synthRouter, ServiceChannels channels) {
        this.mixRouter = mixRouter;
        this.synthRouter = synthRouter;
        this.channels = channels;
    }

    /** Audio blocks not sent to a mix-service because its stream stayed full (see {@link MixLink#sendAudio}). */
    public long audioDroppedForMix() {
        return audioDroppedForMix.sum();
    }

    public Optional<LiveSession> get(String id) {
        return Optional.ofNullable(sessions.get(id));
    }

    public int size() {
        return sessions.size();
    }

    public Iterable<LiveSession> all() {
        return sessions.values();
    }

    /** Opens a session on the services; completes when every stream is open, or fails with a {@link CreateException}. */
    public CompletableFuture<LiveSession> create(SessionSpec spec) {
        String id = HexFormat.of().formatHex(bytes(12));
        LiveSession session = new LiveSession(id, spec, () -> sessions.remove(id));
        return CompletableFuture.supplyAsync(() -> { // opening waits on the services: a virtual thread, not an event loop
            openMix(session);
            try {
                for (SessionSpec.Track t : spec.tracks()) {
                    if (t.instrument().isPresent()) {
                        openSynth(session, t);
                    }
                }
            } catch (RuntimeException e) {
                session.endWith(CloseCodes.SERVER_ERROR, "could not open the session's instruments");
                throw e;
            }
            sessions.put(id, session);
            return session;
        }, opener);
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private void openMix(LiveSession session) {
        SessionSpec spec = session.spec();
        OpenMix.Builder open = OpenMix.newBuilder().setSessionId(session.id()).setSampleRate(spec.sampleRate())
                .setBlockSize(spec.blockSize()).setDeadlineMicros(spec.deadlineMicros()).setMaster(Strips.toProto(spec.master()));
        for (SessionSpec.Track t : spec.tracks()) {
            // audio tracks are expected once their owner connects; instruments are fed by the gateway itself
            open.addTracks(TrackSpec.newBuilder().setTrackId(t.id()).setOwner(t.owner()).setStrip(Strips.toProto(t.strip()))
                    .setExpected(t.instrument().isPresent()));
        }
        List<String> candidates = mixRouter.candidates(session.id());
        StringBuilder refusals = new StringBuilder();
        for (String target : candidates) {
            MixLink link = MixLink.open(channels.to(target), target, open.build(), session.mixListener(), audioDroppedForMix);
            try {
                MixOpened opened = link.opened().get(OPEN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                session.attach(link, opened.getBackend());
                return;
            } catch (Exception e) {
                Status status = status(e);
                link.close();
                if (status.getCode() == Status.Code.INVALID_ARGUMENT) {
                    throw new CreateException(400, status.getDescription());
                }
                refusals.append(refusals.isEmpty() ? "" : "; ").append(target).append(": ").append(status.getCode())
                        .append(status.getDescription() == null ? "" : " " + status.getDescription());
            }
        }
        throw new CreateException(503, candidates.isEmpty() ? "no mix-service instance is configured or resolvable"
                : "no mix-service instance admitted the session (" + refusals + ")");
    }

    private void openSynth(LiveSession session, SessionSpec.Track track) {
        SessionSpec spec = session.spec();
        OpenInstrument open = OpenInstrument.newBuilder().setSessionId(session.id()).setTrackId(track.id())
                .setSampleRate(spec.sampleRate()).setBlockSize(spec.blockSize())
                .setInstrument(Instruments.toProto(track.instrument().orElseThrow())).build();
        StringBuilder refusals = new StringBuilder();
        for (String target : synthRouter.candidates(session.id() + "/" + track.id())) {
            SynthLink link = SynthLink.open(channels.to(target), target, open, session.synthListener(track));
            try {
                link.opened().get(OPEN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                session.attachSynth(track.id(), link);
                return;
            } catch (Exception e) {
                Status status = status(e);
                link.close();
                if (status.getCode() == Status.Code.INVALID_ARGUMENT) {
                    throw new CreateException(400, "track '" + track.name() + "': " + status.getDescription());
                }
                refusals.append(refusals.isEmpty() ? "" : "; ").append(target).append(": ").append(status.getCode())
                        .append(status.getDescription() == null ? "" : " " + status.getDescription());
            }
        }
        throw new CreateException(503, "no synth-service instance admitted track '" + track.name() + "' (" + refusals + ")");
    }

    private static Status status(Exception e) {
        Throwable cause = e instanceof java.util.concurrent.ExecutionException || e instanceof CompletionException ? e.getCause() : e;
        if (cause instanceof StatusRuntimeException s) {
            return s.getStatus();
        }
        if (cause instanceof java.util.concurrent.TimeoutException) {
            return Status.DEADLINE_EXCEEDED.withDescription("no answer within " + OPEN_TIMEOUT_SECONDS + " s");
        }
        return Status.fromThrowable(cause);
    }

    /** Ends a session (its owner asked): participants are closed with 4410. */
    public boolean end(String id) {
        LiveSession s = sessions.remove(id);
        if (s == null) {
            return false;
        }
        s.endWith(CloseCodes.SESSION_ENDED, "session " + id + " was ended by its owner");
        return true;
    }

    @Override
    public void close() {
        for (LiveSession s : sessions.values()) {
            s.endWith(CloseCodes.NORMAL, "the gateway is shutting down");
        }
        opener.shutdownNow();
    }
}
