package cloud.dawg.mixservice;

import cloud.dawg.dsp.strip.InvalidParameterException;
import cloud.dawg.dsp.strip.StripSettings;
import cloud.dawg.dsp.mix.MixEngine;
import cloud.dawg.proto.v1.MixChange;
import cloud.dawg.proto.v1.MixEvent;
import cloud.dawg.proto.v1.MixOpened;
import cloud.dawg.proto.v1.MixRequest;
import cloud.dawg.proto.v1.MixResponse;
import cloud.dawg.proto.v1.OpenMix;
import cloud.dawg.proto.v1.TrackSpec;
import cloud.dawg.service.Strips;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.util.HashSet;
import java.util.Set;

/** The server side of one {@code Mix} stream: the open handshake, then audio and changes into a {@link LiveMix}. */
final class MixStream implements StreamObserver<MixRequest> {
    private final MixServiceContext context;
    private final MixOutbound out;
    private LiveMix session;
    private int sampleRate;

    MixStream(MixServiceContext context, MixOutbound out) {
        this.context = context;
        this.out = out;
    }

    @Override
    public void onNext(MixRequest request) {
        try {
            switch (request.getKindCase()) {
                case OPEN -> open(request.getOpen());
                case AUDIO -> requireOpen().audio(request.getAudio());
                case CHANGE -> change(request.getChange());
                default -> out.event(MixEvent.Kind.ERROR, "empty request: set open, audio or change", null, null);
            }
        } catch (StatusFailure failure) {
            end();
            out.fail(failure.status.asRuntimeException());
        } catch (IllegalArgumentException | IllegalStateException e) {
            out.event(MixEvent.Kind.ERROR, e.getMessage(), null, null);
        }
    }

    private LiveMix requireOpen() {
        if (session == null) {
            throw new StatusFailure(Status.FAILED_PRECONDITION.withDescription("the first request of a Mix stream must be open"));
        }
        return session;
    }

    private void open(OpenMix open) {
        if (session != null) {
            throw new IllegalStateException("session " + session.sessionId() + " is already open on this stream");
        }
        String id = open.getSessionId();
        if (id.isBlank()) {
            throw invalid("open.session_id: is required");
        }
        sampleRate = open.getSampleRate();
        if (sampleRate < MixEngine.MIN_SAMPLE_RATE || sampleRate > MixEngine.MAX_SAMPLE_RATE) {
            throw invalid("open.sample_rate: " + sampleRate + " is outside " + MixEngine.MIN_SAMPLE_RATE + ".." + MixEngine.MAX_SAMPLE_RATE);
        }
        int frames = open.getBlockSize();
        if (frames < MixEngine.MIN_BLOCK || frames > MixEngine.MAX_BLOCK) {
            throw invalid("open.block_size: " + frames + " is outside " + MixEngine.MIN_BLOCK + ".." + MixEngine.MAX_BLOCK);
        }
        if (open.getDeadlineMicros() > 1_000_000) {
            throw invalid("open.deadline_micros: " + open.getDeadlineMicros() + " is above 1000000 (one second)");
        }
        StripSettings[] strips = new StripSettings[open.getTracksCount()];
        Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < strips.length; i++) {
            TrackSpec t = open.getTracks(i);
            checkTrack(t, "open.tracks[" + i + "]");
            if (!ids.add(t.getTrackId())) {
                throw invalid("open.tracks[" + i + "].track_id: " + t.getTrackId() + " is used by another track");
            }
            strips[i] = strip(t, "open.tracks[" + i + "].strip");
        }
        StripSettings master;
        try {
            master = open.hasMaster() ? Strips.fromProto(open.getMaster(), sampleRate, "open.master") : StripSettings.DEFAULT;
        } catch (InvalidParameterException e) {
            throw invalid(e.getMessage());
        }
        int capacity = Math.min(MixEngine.MAX_CAPACITY, Math.max(context.sessionCapacity(), strips.length));
        if (!context.admission().open(id)) {
            throw new StatusFailure(Status.ALREADY_EXISTS.withDescription("session " + id + " is already open on this instance"));
        }
        if (!context.admission().tryAcquire(strips.length)) {
            context.admission().close(id);
            throw new StatusFailure(Status.RESOURCE_EXHAUSTED.withDescription("this instance carries " + context.admission().inUse()
                    + " of its " + context.admission().capacity() + " tracks; session " + id + " needs " + strips.length));
        }
        long deadline = open.getDeadlineMicros() > 0 ? open.getDeadlineMicros() * 1000L
                : context.defaultDeadlineNanos(sampleRate, frames);
        try {
            session = new LiveMix(id, sampleRate, frames, capacity, deadline, context.chain(), out, context.metrics(),
                    context.admission(), context.workers(), context.inline(), context.timer());
        } catch (RuntimeException e) {
            context.admission().release(strips.length);
            context.admission().close(id);
            throw new StatusFailure(Status.INTERNAL.withDescription("cannot open the mix engine: " + e.getMessage()));
        }
        session.admitted(strips.length);
        for (int i = 0; i < strips.length; i++) {
            TrackSpec t = open.getTracks(i);
            session.addTrack(t.getTrackId(), t.getOwner(), strips[i], t.getExpected());
        }
        StripSettings m = master;
        session.change(mix -> mix.applyMaster(m));
        for (String participant : open.getMonitorMixForList()) {
            session.change(mix -> mix.applyMonitor(participant, true));
        }
        out.send(MixResponse.newBuilder().setOpened(MixOpened.newBuilder().setBackend(context.backend().backend())
                .setIsa(context.backend().isa()).setDeadlineMicros((int) (deadline / 1000))).build());
    }

    private void checkTrack(TrackSpec t, String path) {
        if (t.getTrackId() < 1 || t.getTrackId() > LiveMix.MAX_TRACK_ID) {
            throw invalid(path + ".track_id: " + t.getTrackId() + " is outside 1.." + LiveMix.MAX_TRACK_ID);
        }
        if (t.getOwner().isBlank()) {
            throw invalid(path + ".owner: is required (the participant who streams the track)");
        }
        if (!t.hasStrip()) {
            throw invalid(path + ".strip: is required");
        }
    }

    private StripSettings strip(TrackSpec t, String path) {
        try {
            return Strips.fromProto(t.getStrip(), sampleRate, path);
        } catch (InvalidParameterException e) {
            throw invalid(e.getMessage());
        }
    }

    private void change(MixChange change) {
        LiveMix mix = requireOpen();
        switch (change.getKindCase()) {
            case TRACK_STRIP -> {
                int id = change.getTrackStrip().getTrackId();
                requireTrack(mix, id, "change.track_strip.track_id");
                StripSettings strip = Strips.fromProto(change.getTrackStrip().getStrip(), sampleRate, "change.track_strip.strip");
                mix.change(m -> m.applyTrackStrip(id, strip));
            }
            case MASTER_STRIP -> {
                StripSettings strip = Strips.fromProto(change.getMasterStrip(), sampleRate, "change.master_strip");
                mix.change(m -> m.applyMaster(strip));
            }
            case ADD_TRACK -> {
                TrackSpec t = change.getAddTrack();
                try {
                    checkTrack(t, "change.add_track");
                } catch (StatusFailure f) {
                    throw new IllegalArgumentException(f.status.getDescription());
                }
                if (mix.hasTrack(t.getTrackId())) {
                    throw new IllegalArgumentException("change.add_track.track_id: " + t.getTrackId() + " is already in the session");
                }
                StripSettings strip = Strips.fromProto(t.getStrip(), sampleRate, "change.add_track.strip");
                if (!context.admission().tryAcquire(1)) {
                    throw new IllegalStateException("change.add_track: this instance carries all of its "
                            + context.admission().capacity() + " tracks; track " + t.getTrackId() + " was not added");
                }
                mix.admitted(1);
                mix.addTrack(t.getTrackId(), t.getOwner(), strip, t.getExpected());
            }
            case REMOVE_TRACK -> {
                requireTrack(mix, change.getRemoveTrack(), "change.remove_track");
                mix.removeTrack(change.getRemoveTrack());
            }
            case TRACK_EXPECTED -> {
                requireTrack(mix, change.getTrackExpected().getTrackId(), "change.track_expected.track_id");
                mix.setExpected(change.getTrackExpected().getTrackId(), change.getTrackExpected().getExpected());
            }
            case MONITOR_MIX -> {
                String participant = change.getMonitorMix().getParticipant();
                if (participant.isBlank()) {
                    throw new IllegalArgumentException("change.monitor_mix.participant: is required");
                }
                boolean enabled = change.getMonitorMix().getEnabled();
                mix.change(m -> m.applyMonitor(participant, enabled));
            }
            default -> throw new IllegalArgumentException("empty change: set one of its fields");
        }
    }

    private static void requireTrack(LiveMix mix, int id, String field) {
        if (!mix.hasTrack(id)) {
            throw new IllegalArgumentException(field + ": no track " + id + " in session " + mix.sessionId());
        }
    }

    private static StatusFailure invalid(String message) {
        return new StatusFailure(Status.INVALID_ARGUMENT.withDescription(message));
    }

    @Override
    public void onError(Throwable t) {
        end(); // the client went away mid-stream: free the session, nothing else is affected
    }

    @Override
    public void onCompleted() {
        if (session == null) {
            out.complete();
        }
        end();
    }

    private void end() {
        if (session != null) {
            session.close();
        }
    }

    /** Ends the stream with a status. */
    private static final class StatusFailure extends RuntimeException {
        final Status status;

        StatusFailure(Status status) {
            super(status.getDescription(), null, false, false);
            this.status = status;
        }
    }
}
