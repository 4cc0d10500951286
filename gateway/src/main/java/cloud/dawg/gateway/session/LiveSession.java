package cloud.dawg.gateway.session;

import cloud.dawg.dsp.strip.StripSettings;
import cloud.dawg.gateway.routing.MixLink;
import cloud.dawg.gateway.routing.SynthLink;
import cloud.dawg.proto.v1.BlockAudio;
import cloud.dawg.proto.v1.ParticipantResponse;
import cloud.dawg.proto.v1.SessionJoined;
import cloud.dawg.proto.v1.SessionParticipant;
import cloud.dawg.proto.v1.SessionState;
import cloud.dawg.proto.v1.SessionTrack;
import cloud.dawg.proto.v1.StripChanged;
import cloud.dawg.proto.v1.MeterReadings;
import cloud.dawg.proto.v1.Meter;
import cloud.dawg.proto.v1.MixChange;
import cloud.dawg.proto.v1.MixEvent;
import cloud.dawg.proto.v1.MixRequest;
import cloud.dawg.proto.v1.MixedBlock;
import cloud.dawg.proto.v1.MonitorBlock;
import cloud.dawg.proto.v1.MonitorMix;
import cloud.dawg.proto.v1.NoteEvent;
import cloud.dawg.proto.v1.NoteOn;
import cloud.dawg.proto.v1.RenderBlock;
import cloud.dawg.proto.v1.RenderedBlock;
import cloud.dawg.proto.v1.SynthError;
import cloud.dawg.proto.v1.TrackAudio;
import cloud.dawg.proto.v1.TrackExpected;
import cloud.dawg.proto.v1.TrackMeter;
import cloud.dawg.proto.v1.TrackStrip;
import cloud.dawg.render.ProjectException;
import cloud.dawg.service.Strips;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.Status;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One live session in the gateway: who is connected, the strips as every participant's UI sees
 * them, the session's Mix stream and its instruments' Play streams. Audio from participants goes
 * to the mix as it arrives; the first audio of each block is also the clock that asks every
 * instrument for that block, whose audio then joins the mix like any track. The mix comes back
 * once and is fanned out to every participant.
 */
public final class LiveSession {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A participant's connection, with what it asked for. */
    private record Connection(String name, Role role, ParticipantLink link, boolean monitor) {
    }

    private final String id;
    private final SessionSpec spec;
    private final Map<String, SessionSpec.Track> tracksByName = new LinkedHashMap<>();
    private final Map<Integer, SessionSpec.Track> tracksById = new HashMap<>();
    /** The strips as applied; their JSON and protobuf forms are derived when sent. */
    private final Map<String, StripSettings> strips = new HashMap<>();
    private StripSettings master;
    private final Map<String, Connection> connected = new ConcurrentHashMap<>();
    private final Map<Integer, SynthLink> synths = new ConcurrentHashMap<>();
    private final Map<Integer, List<NoteEvent.Builder>> pendingNotes = new HashMap<>();
    private final Map<Integer, List<Long>> pendingNoteSequences = new HashMap<>();
    private final AtomicLong lateNotes = new AtomicLong();
    private final Object clock = new Object();
    private long lastTick = Long.MIN_VALUE;
    private volatile MixLink mix;
    private volatile String backend = "";
    private volatile boolean ended;
    private final Runnable onEnd;

    LiveSession(String id, SessionSpec spec, Runnable onEnd) {
        this.id = id;
        this.spec = spec;
        this.onEnd = onEnd;
        for (SessionSpec.Track t : spec.tracks()) {
            tracksByName.put(t.name(), t);
            tracksById.put(t.id(), t);
            strips.put(t.name(), t.strip());
        }
        master = spec.master();
    }

    public String id() { return id; }
    public SessionSpec spec() { return spec; }
    public boolean ended() { return ended; }
    public String backend() { return backend; }
    public String mixInstance() { return mix == null ? "" : mix.target(); }

    void attach(MixLink mix, String backend) {
        this.mix = mix;
        this.backend = backend;
    }

    void attachSynth(int trackId, SynthLink link) {
        synths.put(trackId, link);
    }

    // ---- listeners of the service streams ----

    MixLink.Listener mixListener() {
        return new MixLink.Listener() {
            @Override
            public void block(MixedBlock block) {
                fanOut(block);
            }

            @Override
            public void meters(MeterReadings meters) {
                broadcast(metersMessage(meters));
            }

            @Override
            public void event(MixEvent event) {
                ObjectNode e = JSON.createObjectNode().put("type", "event").put("kind", event.getKind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
                        .put("message", event.getMessage());
                if (event.hasTrackId() && tracksById.containsKey(event.getTrackId())) {
                    e.put("track", tracksById.get(event.getTrackId()).name());
                }
                if (event.hasSequence()) {
                    e.put("sequence", event.getSequence());
                }
                ControlMessage message = new ControlMessage(e.toString(), ParticipantResponse.newBuilder().setEvent(event).build());
                SessionSpec.Track track = event.hasTrackId() ? tracksById.get(event.getTrackId()) : null;
                Connection owner = track == null ? null : connected.get(track.owner());
                if (owner != null) {
                    owner.link().sendControl(message);
                } else {
                    broadcast(message);
                }
            }

            @Override
            public void closed(Status status) {
                if (!ended) {
                    endWith(CloseCodes.SERVER_ERROR, "the mix instance failed: " + status.getCode()
                            + (status.getDescription() == null ? "" : " " + status.getDescription()));
                }
            }
        };
    }

    SynthLink.Listener synthListener(SessionSpec.Track track) {
        return new SynthLink.Listener() {
            @Override
            public void block(RenderedBlock block) {
                MixLink m = mix;
                if (m != null && !ended) {
                    m.sendAudio(MixRequest.newBuilder().setAudio(BlockAudio.newBuilder().setSequence(block.getSequence())
                            .addTracks(TrackAudio.newBuilder().setTrackId(track.id()).setPcm(block.getPcm()))).build());
                }
            }

            @Override
            public void error(SynthError error) {
                Connection owner = connected.get(track.owner());
                if (owner != null) {
                    ControlMessage message = ControlMessage.error("instrument", "track '" + track.name() + "': " + error.getMessage());
                    owner.link().sendControl(message);
                }
            }

            @Override
            public void closed(Status status) {
                if (!ended) {
                    endWith(CloseCodes.SERVER_ERROR, "the synth instance of track " + track.name() + " failed: " + status.getCode());
                }
            }
        };
    }

    // ---- participants ----

    /** A participant joined; the previous connection of the same participant, if any, is replaced. */
    public synchronized ControlMessage join(String name, Role role, ParticipantLink link, boolean monitor) throws ProtocolException {
        if (ended) {
            throw new ProtocolException(CloseCodes.UNKNOWN_SESSION, "session " + id + " has ended");
        }
        Connection previous = connected.put(name, new Connection(name, role, link, monitor));
        if (previous != null) {
            previous.link().close(CloseCodes.REPLACED, "participant " + name + " joined again from another connection");
        }
        for (SessionSpec.Track t : spec.tracks()) {
            if (t.owner().equals(name) && t.instrument().isEmpty()) {
                mix.send(change(MixChange.newBuilder().setTrackExpected(TrackExpected.newBuilder().setTrackId(t.id()).setExpected(true))));
            }
        }
        mix.send(change(MixChange.newBuilder().setMonitorMix(MonitorMix.newBuilder().setParticipant(name).setEnabled(monitor))));
        ObjectNode joined = state();
        joined.put("type", "joined").put("participant", name).put("role", role.wireName()).put("monitorMix", monitor);
        return new ControlMessage(joined.toString(), ParticipantResponse.newBuilder().setJoined(SessionJoined.newBuilder()
                .setParticipant(name).setRole(role.wireName()).setMonitorMix(monitor).setState(stateProto())).build());
    }

    /** The participant's connection closed (only if it is still the current one). */
    public synchronized void leave(String name, ParticipantLink link) {
        Connection c = connected.get(name);
        if (c == null || c.link() != link) {
            return;
        }
        connected.remove(name);
        if (ended) {
            return;
        }
        for (SessionSpec.Track t : spec.tracks()) {
            if (t.owner().equals(name) && t.instrument().isEmpty()) {
                mix.send(change(MixChange.newBuilder().setTrackExpected(TrackExpected.newBuilder().setTrackId(t.id()).setExpected(false))));
            }
        }
        if (c.monitor()) {
            mix.send(change(MixChange.newBuilder().setMonitorMix(MonitorMix.newBuilder().setParticipant(name).setEnabled(false))));
        }
    }

    private static MixRequest change(MixChange.Builder change) {
        return MixRequest.newBuilder().setChange(change).build();
    }

    /** A participant's audio frame: checked against who may send what, then on to the mix. */
    public void audio(String participant, Role role, ByteBuffer frame) throws ProtocolException {
        if (!role.canEdit()) {
            throw new ProtocolException(CloseCodes.FORBIDDEN, "listeners cannot send audio");
        }
        audio(participant, role, ParticipantFrames.parseAudio(frame, spec.blockSize()));
    }

    /** A participant's audio for one block, already parsed from its transport's form. */
    public void audio(String participant, Role role, ParticipantFrames.Audio audio) throws ProtocolException {
        if (!role.canEdit()) {
            throw new ProtocolException(CloseCodes.FORBIDDEN, "listeners cannot send audio");
        }
        BlockAudio.Builder block = BlockAudio.newBuilder().setSequence(audio.sequence());
        for (ParticipantFrames.TrackBlock t : audio.tracks()) {
            SessionSpec.Track track = tracksById.get(t.trackId());
            if (track == null) {
                throw new ProtocolException(CloseCodes.FORBIDDEN, "no track " + t.trackId() + " in this session");
            }
            if (!track.owner().equals(participant)) {
                throw new ProtocolException(CloseCodes.FORBIDDEN, "track " + track.name() + " belongs to " + track.owner());
            }
            if (track.instrument().isPresent()) {
                throw new ProtocolException(CloseCodes.FORBIDDEN, "track " + track.name() + " is an instrument: send notes, not audio");
            }
            block.addTracks(TrackAudio.newBuilder().setTrackId(t.trackId()).setPcm(t.pcm()));
        }
        tick(audio.sequence());
        if (block.getTracksCount() > 0) {
            mix.sendAudio(MixRequest.newBuilder().setAudio(block).build());
        }
    }

    /** The first audio of a block asks each instrument for it, with the notes due by then. */
    private void tick(long sequence) {
        if (synths.isEmpty()) {
            return;
        }
        synchronized (clock) {
            if (sequence <= lastTick) {
                return;
            }
            lastTick = sequence;
            for (Map.Entry<Integer, SynthLink> e : synths.entrySet()) {
                RenderBlock.Builder render = RenderBlock.newBuilder().setSequence(sequence);
                List<NoteEvent.Builder> notes = pendingNotes.get(e.getKey());
                List<Long> due = pendingNoteSequences.get(e.getKey());
                if (notes != null) {
                    for (int i = 0; i < notes.size(); ) {
                        if (due.get(i) <= sequence) {
                            NoteEvent.Builder n = notes.remove(i);
                            if (due.remove(i) < sequence) {
                                n.setFrameOffset(0); // late: as soon as possible
                                lateNotes.incrementAndGet();
                            }
                            render.addEvents(n);
                        } else {
                            i++;
                        }
                    }
                }
                e.getValue().render(render.build());
            }
        }
    }

    /** A control message from a participant; returns an error message to send back, or null. */
    public ControlMessage control(String participant, Role role, JsonNode message) throws ProtocolException {
        String type = message.path("type").asText("");
        switch (type) {
            case "strip", "master" -> {
                if (!role.canEdit()) {
                    return error("forbidden", "listeners cannot change parameters");
                }
                return type.equals("strip") ? changeStrip(participant, message) : changeMaster(participant, message);
            }
            case "notes" -> {
                if (!role.canEdit()) {
                    return error("forbidden", "listeners cannot play notes");
                }
                return notes(message);
            }
            case "monitor" -> {
                boolean enabled = message.path("enabled").asBoolean(false);
                synchronized (this) {
                    Connection c = connected.get(participant);
                    if (c != null) {
                        connected.put(participant, new Connection(c.name(), c.role(), c.link(), enabled));
                    }
                }
                mix.send(change(MixChange.newBuilder().setMonitorMix(MonitorMix.newBuilder().setParticipant(participant).setEnabled(enabled))));
                return null;
            }
            case "join" -> throw new ProtocolException(CloseCodes.BAD_MESSAGE, "already joined");
            default -> throw new ProtocolException(CloseCodes.BAD_MESSAGE, "unknown message type '" + type
                    + "' (expected strip, master, notes or monitor)");
        }
    }

    private synchronized ControlMessage changeStrip(String participant, JsonNode message) {
        String name = message.path("track").asText("");
        SessionSpec.Track track = tracksByName.get(name);
        if (track == null) {
            return error("unknown-track", "no track '" + name + "' in this session");
        }
        StripSettings strip;
        try {
            strip = StripJson.apply(StripJson.toJson(strips.get(name), false), message.get("strip"), spec.sampleRate(), false, "track '" + name + "'");
        } catch (ProjectException e) {
            return error("invalid-parameter", e.getMessage());
        }
        strips.put(name, strip);
        cloud.dawg.proto.v1.Strip wire = Strips.toProto(strip);
        mix.send(change(MixChange.newBuilder().setTrackStrip(TrackStrip.newBuilder().setTrackId(track.id()).setStrip(wire))));
        ObjectNode changed = JSON.createObjectNode().put("type", "strip").put("track", name).put("by", participant);
        changed.set("strip", StripJson.toJson(strip, false));
        broadcast(new ControlMessage(changed.toString(), ParticipantResponse.newBuilder()
                .setStripChanged(StripChanged.newBuilder().setTrack(name).setBy(participant).setStrip(wire)).build()));
        return null;
    }

    private synchronized ControlMessage changeMaster(String participant, JsonNode message) {
        StripSettings strip;
        try {
            strip = StripJson.apply(StripJson.toJson(master, true), message.get("strip"), spec.sampleRate(), true, "master");
        } catch (ProjectException e) {
            return error("invalid-parameter", e.getMessage());
        }
        master = strip;
        cloud.dawg.proto.v1.Strip wire = Strips.toProto(strip);
        mix.send(change(MixChange.newBuilder().setMasterStrip(wire)));
        ObjectNode changed = JSON.createObjectNode().put("type", "master").put("by", participant);
        changed.set("strip", StripJson.toJson(strip, true));
        broadcast(new ControlMessage(changed.toString(), ParticipantResponse.newBuilder()
                .setMasterChanged(StripChanged.newBuilder().setBy(participant).setStrip(wire)).build()));
        return null;
    }

    private ControlMessage notes(JsonNode message) {
        String name = message.path("track").asText("");
        SessionSpec.Track track = tracksByName.get(name);
        if (track == null || track.instrument().isEmpty()) {
            return error("unknown-track", "no instrument track '" + name + "' in this session");
        }
        if (!message.path("sequence").canConvertToLong() || message.path("sequence").asLong() < 0) {
            return error("invalid-parameter", "notes.sequence: is required, the block (a whole number >= 0) the events belong to");
        }
        long sequence = message.get("sequence").asLong();
        JsonNode events = message.path("events");
        if (!events.isArray()) {
            return error("invalid-parameter", "notes.events: is required, a list");
        }
        List<NoteEvent.Builder> parsed = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            JsonNode e = events.get(i);
            String at = "notes.events[" + i + "]";
            int frame = e.path("frame").asInt(0);
            if (frame < 0 || frame >= spec.blockSize()) {
                return error("invalid-parameter", at + ".frame: " + frame + " is outside 0.." + (spec.blockSize() - 1));
            }
            NoteEvent.Builder n = NoteEvent.newBuilder().setFrameOffset(frame);
            if (e.has("noteOn")) {
                int note = e.get("noteOn").asInt(-1), velocity = e.path("velocity").asInt(100);
                if (note < 0 || note > 127) {
                    return error("invalid-parameter", at + ".noteOn: " + e.get("noteOn") + " is outside 0..127");
                }
                if (velocity < 1 || velocity > 127) {
                    return error("invalid-parameter", at + ".velocity: " + velocity + " is outside 1..127");
                }
                n.setNoteOn(NoteOn.newBuilder().setNote(note).setVelocity(velocity));
            } else if (e.has("noteOff")) {
                int note = e.get("noteOff").asInt(-1);
                if (note < 0 || note > 127) {
                    return error("invalid-parameter", at + ".noteOff: " + e.get("noteOff") + " is outside 0..127");
                }
                n.setNoteOff(note);
            } else if (e.has("sustain")) {
                n.setSustain(e.get("sustain").asBoolean());
            } else if (e.path("allNotesOff").asBoolean(false)) {
                n.setAllNotesOff(true);
            } else {
                return error("invalid-parameter", at + ": give one of noteOn (with velocity), noteOff, sustain, allNotesOff");
            }
            parsed.add(n);
        }
        synchronized (clock) {
            List<NoteEvent.Builder> list = pendingNotes.computeIfAbsent(track.id(), k -> new ArrayList<>());
            List<Long> due = pendingNoteSequences.computeIfAbsent(track.id(), k -> new ArrayList<>());
            for (NoteEvent.Builder n : parsed) {
                list.add(n);
                due.add(sequence);
            }
        }
        return null;
    }

    private static ControlMessage error(String code, String message) {
        return ControlMessage.error(code, message);
    }

    // ---- fan-out ----

    private void fanOut(MixedBlock block) {
        if (connected.isEmpty()) {
            return;
        }
        MixFrame master = new MixFrame(false, block.getSequence(), spec.blockSize(), block.getMaster());
        for (Connection c : connected.values()) {
            c.link().sendMix(master);
        }
        for (MonitorBlock m : block.getMonitorsList()) {
            Connection c = connected.get(m.getParticipant());
            if (c != null) {
                c.link().sendMix(new MixFrame(true, block.getSequence(), spec.blockSize(), m.getPcm()));
            }
        }
    }

    private ControlMessage metersMessage(MeterReadings m) {
        ObjectNode o = JSON.createObjectNode().put("type", "meters").put("sequence", m.getSequence());
        ObjectNode tracks = o.putObject("tracks");
        for (TrackMeter t : m.getTracksList()) {
            SessionSpec.Track track = tracksById.get(t.getTrackId());
            if (track != null) {
                tracks.set(track.name(), meter(t.getMeter()));
            }
        }
        o.set("master", meter(m.getMaster()));
        return new ControlMessage(o.toString(), ParticipantResponse.newBuilder().setMeters(m).build());
    }

    private static ObjectNode meter(Meter m) {
        ObjectNode o = JSON.createObjectNode();
        o.putArray("peak").add(m.getPeakLeft()).add(m.getPeakRight());
        o.putArray("rms").add(m.getRmsLeft()).add(m.getRmsRight());
        return o;
    }

    private void broadcast(ControlMessage message) {
        for (Connection c : connected.values()) {
            c.link().sendControl(message);
        }
    }

    // ---- state and end ----

    /** The session as REST and the joined message show it. */
    public synchronized ObjectNode state() {
        ObjectNode o = JSON.createObjectNode().put("id", id).put("sampleRate", spec.sampleRate()).put("blockSize", spec.blockSize())
                .put("backend", backend).put("mixInstance", mixInstance()).put("ended", ended);
        ArrayNode participants = o.putArray("participants");
        spec.participants().forEach((name, role) -> participants.addObject().put("name", name).put("role", role.wireName())
                .put("connected", connected.containsKey(name)));
        ArrayNode tracks = o.putArray("tracks");
        for (SessionSpec.Track t : spec.tracks()) {
            ObjectNode track = tracks.addObject().put("id", t.id()).put("name", t.name()).put("owner", t.owner())
                    .put("kind", t.instrument().isPresent() ? "instrument" : "audio");
            track.set("strip", StripJson.toJson(strips.get(t.name()), false));
        }
        o.putObject("master").set("strip", StripJson.toJson(master, true));
        return o;
    }

    /** The session as the gRPC front door's {@code joined} shows it. */
    private SessionState stateProto() {
        SessionState.Builder b = SessionState.newBuilder().setId(id).setSampleRate(spec.sampleRate()).setBlockSize(spec.blockSize())
                .setBackend(backend).setMaster(Strips.toProto(master));
        spec.participants().forEach((name, role) -> b.addParticipants(SessionParticipant.newBuilder().setName(name)
                .setRole(role.wireName()).setConnected(connected.containsKey(name))));
        for (SessionSpec.Track t : spec.tracks()) {
            b.addTracks(SessionTrack.newBuilder().setId(t.id()).setName(t.name()).setOwner(t.owner())
                    .setInstrument(t.instrument().isPresent()).setStrip(Strips.toProto(strips.get(t.name()))));
        }
        return b.build();
    }

    /** Audio frames dropped for slow participants, and notes that arrived after their block. */
    public long droppedForParticipants() {
        long n = 0;
        for (Connection c : connected.values()) {
            n += c.link().dropped();
        }
        return n;
    }

    public long lateNotes() {
        return lateNotes.get();
    }

    /** Ends the session: every participant is told why, the service streams close. */
    public void endWith(int code, String reason) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
        }
        for (Connection c : connected.values()) {
            c.link().close(code, reason);
        }
        connected.clear();
        if (mix != null) {
            mix.close();
        }
        for (SynthLink s : synths.values()) {
            s.close();
        }
        onEnd.run();
    }
}
