package cloud.dawg.mixservice;

import cloud.dawg.proto.v1.MixEvent;
import cloud.dawg.proto.v1.MixResponse;
import cloud.dawg.service.Outbound;

/** A session's replies: blocks and meters may be dropped under back-pressure, events never. */
final class MixOutbound {
    private final Outbound<MixResponse> out;

    MixOutbound(Outbound<MixResponse> out) {
        this.out = out;
    }

    void sendDroppable(MixResponse response) { out.sendDroppable(response); }
    void send(MixResponse response) { out.send(response); }
    void complete() { out.complete(); }
    void fail(Throwable status) { out.fail(status); }

    void event(MixEvent.Kind kind, String message, Integer trackId, Long sequence) {
        MixEvent.Builder e = MixEvent.newBuilder().setKind(kind).setMessage(message);
        if (trackId != null) {
            e.setTrackId(trackId);
        }
        if (sequence != null) {
            e.setSequence(sequence);
        }
        out.send(MixResponse.newBuilder().setEvent(e).build());
    }
}
