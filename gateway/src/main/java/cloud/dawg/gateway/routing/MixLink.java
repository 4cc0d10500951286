package cloud.dawg.gateway.routing;

import cloud.dawg.proto.v1.MeterReadings;
import cloud.dawg.proto.v1.MixEvent;
import cloud.dawg.proto.v1.MixOpened;
import cloud.dawg.proto.v1.MixRequest;
import cloud.dawg.proto.v1.MixResponse;
import cloud.dawg.proto.v1.MixServiceGrpc;
import cloud.dawg.proto.v1.MixedBlock;
import cloud.dawg.proto.v1.OpenMix;
import cloud.dawg.service.ReusedSerialisation;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/** The gateway's end of one session's Mix stream. */
public final class MixLink {
    /** What the stream delivers, on a gRPC thread. */
    public interface Listener {
        void block(MixedBlock block);

        void meters(MeterReadings meters);

        void event(MixEvent event);

        /** The stream ended (the status is OK when the gateway closed it). */
        void closed(Status status);
    }

    /** Blocks of audio that may wait in the transport to the service; beyond that, audio is dropped rather than queued. */
    static final int BLOCKS_IN_FLIGHT = 4;
    /** Blocks a client's burst may add past {@link #BLOCKS_IN_FLIGHT}, within one block's time, before audio is dropped. */
    static final int BURST_BLOCKS = 8;
    /** The Mix method with its requests (a block's audio, ~8 KB) serialised through a reused buffer. */
    private static final MethodDescriptor<MixRequest, MixResponse> MIX = MixServiceGrpc.getMixMethod().toBuilder(
            ReusedSerialisation.of(MixServiceGrpc.getMixMethod().getRequestMarshaller()),
            MixServiceGrpc.getMixMethod().getResponseMarshaller()).build();

    private final String target;
    private final LongAdder dropped;
    private final long burstNanos;
    private final ServiceStream<MixRequest, MixResponse, MixOpened> stream;

    private MixLink(String target, Listener listener, LongAdder dropped, long blockNanos) {
        this.target = target;
        this.dropped = dropped;
        this.burstNanos = blockNanos;
        this.stream = new ServiceStream<>("mix", r -> r.hasOpened() ? r.getOpened() : null, r -> {
            switch (r.getKindCase()) {
                case BLOCK -> listener.block(r.getBlock());
                case METERS -> listener.meters(r.getMeters());
                case EVENT -> listener.event(r.getEvent());
                default -> { }
            }
        }, listener::closed);
    }

    /**
     * Opens the stream; the future completes with the service's answer or fails with its status.
     * {@code dropped} counts the audio messages this link drops (shared by the links of one gateway).
     */
    public static MixLink open(Channel channel, String target, OpenMix open, Listener listener, LongAdder dropped) {
        MixLink link = new MixLink(target, listener, dropped, open.getSampleRate() <= 0 ? 0
                : open.getBlockSize() * 1_000_000_000L / open.getSampleRate());
        int blockBytes = open.getTracksCount() * (8 * open.getBlockSize() + 16) + 64;
        CallOptions options = CallOptions.DEFAULT.withOnReadyThreshold(BLOCKS_IN_FLIGHT * Math.max(blockBytes, 8 * open.getBlockSize() + 80));
        ClientCalls.asyncBidiStreamingCall(channel.newCall(MIX, options), link.stream);
        link.send(MixRequest.newBuilder().setOpen(open).build());
        return link;
    }

    public CompletableFuture<MixOpened> opened() { return stream.opened(); }
    public String target() { return target; }
    public void send(MixRequest request) {
        stream.send(request);
    }

    /**
     * Sends audio unless the service is not keeping up, in which case it is dropped and counted: past
     * {@link #BLOCKS_IN_FLIGHT} unsent, only a burst of up to {@link #BURST_BLOCKS} more within one block's time is sent.
     */
    public boolean sendAudio(MixRequest request) {
        if (!stream.sendIfReady(request, BURST_BLOCKS, burstNanos)) {
            dropped.increment();
            return false;
        }
        return true;
    }

    public void close() {
        stream.close();
    }
}
