package cloud.dawg.gateway.session;

import cloud.dawg.proto.v1.ParticipantMix;
import cloud.dawg.proto.v1.ParticipantResponse;
import com.google.protobuf.ByteString;

/**
 * One block of a mix (master or monitor) on its way to participants. It is shared read-only by
 * every participant it goes to; each wire form is built once, on first use, so a session whose
 * participants all use one transport never pays for the other.
 */
public final class MixFrame {
    private final boolean monitor;
    private final long sequence;
    private final int frames;
    private final ByteString pcm;
    private volatile byte[] socketFrame;
    private volatile ParticipantResponse proto;

    public MixFrame(boolean monitor, long sequence, int frames, ByteString pcm) {
        this.monitor = monitor;
        this.sequence = sequence;
        this.frames = frames;
        this.pcm = pcm;
    }

    public long sequence() {
        return sequence;
    }

    /** The WebSocket binary frame: the 16-byte header, then the PCM. */
    public byte[] socketFrame() {
        byte[] f = socketFrame;
        if (f == null) {
            f = ParticipantFrames.mixFrame(monitor ? ParticipantFrames.MONITOR : ParticipantFrames.MIX, sequence, frames, pcm);
            socketFrame = f;
        }
        return f;
    }

    /** The gRPC response; its PCM shares the bytes the mix service sent. */
    public ParticipantResponse proto() {
        ParticipantResponse p = proto;
        if (p == null) {
            p = ParticipantResponse.newBuilder()
                    .setMix(ParticipantMix.newBuilder().setSequence(sequence).setMonitor(monitor).setPcm(pcm)).build();
            proto = p;
        }
        return p;
    }
}
