package cloud.dawg.gateway.routing;

import cloud.dawg.proto.v1.MeterReadings;
import cloud.dawg.proto.v1.MixEvent;
import cloud.dawg.proto.v1.MixOpened;
import cloud.dawg.proto.v1.MixRequest;
import cloud.dawg.proto.v1.MixResponse;
import cloud.dawg.proto.v1.MixServiceGrpc;
import cloud.dawg.proto.v1.MixedBlock;
import cloud.dawg.proto.v1.OpenMix;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

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

    private final String target;
    private final CompletableFuture<MixOpened> opened = new CompletableFuture<>();
    private final AtomicLong dropped = new AtomicLong();
    private ClientCallStreamObserver<MixRequest> requests;
    private volatile Listener listener;

    private MixLink(String target) {
        this.target = target;
    }

    /** Opens the stream; the future completes with the service's answer or fails with its status. */
    public static MixLink open(Channel channel, String target, OpenMix open, Listener listener) {
        MixLink link = new MixLink(target);
        link.listener = listener;
        int blockBytes = open.getTracksCount() * (8 * open.getBlockSize() + 16) + 64;
        MixServiceGrpc.newStub(channel).withOnReadyThreshold(BLOCKS_IN_FLIGHT * Math.max(blockBytes, 8 * open.getBlockSize() + 80))
                .mix(link.new Responses());
        link.send(MixRequest.newBuilder().setOpen(open).build());
        return link;
    }

    public CompletableFuture<MixOpened> opened() { return opened; }
    public String target() { return target; }
    /** Audio messages dropped because the stream to the service was over its threshold. */
    public long dropped() { return dropped.get(); }

    public synchronized void send(MixRequest request) {
        requests.onNext(request);
    }

    /** Sends audio unless the service is not keeping up, in which case it is dropped and counted. */
    public synchronized boolean sendAudio(MixRequest request) {
        if (!requests.isReady()) {
            dropped.incrementAndGet();
            return false;
        }
        requests.onNext(request);
        return true;
    }

    public synchronized void close() {
        try {
            requests.onCompleted();
        } catch (IllegalStateException alreadyClosed) {
            // the stream ended first
        }
    }

    private final class Responses implements ClientResponseObserver<MixRequest, MixResponse> {
        @Override
        public void beforeStart(ClientCallStreamObserver<MixRequest> stream) {
            requests = stream;
        }

        @Override
        public void onNext(MixResponse r) {
            switch (r.getKindCase()) {
                case OPENED -> opened.complete(r.getOpened());
                case BLOCK -> listener.block(r.getBlock());
                case METERS -> listener.meters(r.getMeters());
                case EVENT -> listener.event(r.getEvent());
                default -> { }
            }
        }

        @Override
        public void onError(Throwable t) {
            Status status = Status.fromThrowable(t);
            opened.completeExceptionally(status.asRuntimeException());
            listener.closed(status);
        }

        @Override
        public void onCompleted() {
            opened.completeExceptionally(Status.UNAVAILABLE.withDescription("the mix stream ended before it opened").asRuntimeException());
            listener.closed(Status.OK);
        }
    }
}
