package cloud.dawg.gateway.routing;

import cloud.dawg.proto.v1.InstrumentOpened;
import cloud.dawg.proto.v1.OpenInstrument;
import cloud.dawg.proto.v1.RenderBlock;
import cloud.dawg.proto.v1.RenderedBlock;
import cloud.dawg.proto.v1.SynthError;
import cloud.dawg.proto.v1.SynthRequest;
import cloud.dawg.proto.v1.SynthResponse;
import cloud.dawg.proto.v1.SynthServiceGrpc;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

import java.util.concurrent.CompletableFuture;

/** The gateway's end of one instrument track's Play stream. */
public final class SynthLink {
    /** What the stream delivers, on a gRPC thread. */
    public interface Listener {
        void block(RenderedBlock block);

        void error(SynthError error);

        void closed(Status status);
    }

    private final String target;
    private final CompletableFuture<InstrumentOpened> opened = new CompletableFuture<>();
    private ClientCallStreamObserver<SynthRequest> requests;
    private final Listener listener;

    private SynthLink(String target, Listener listener) {
        this.target = target;
        this.listener = listener;
    }

    public static SynthLink open(Channel channel, String target, OpenInstrument open, Listener listener) {
        SynthLink link = new SynthLink(target, listener);
        SynthServiceGrpc.newStub(channel).play(link.new Responses());
        link.send(SynthRequest.newBuilder().setOpen(open).build());
        return link;
    }

    public CompletableFuture<InstrumentOpened> opened() { return opened; }
    public String target() { return target; }

    public synchronized void render(RenderBlock block) {
        send(SynthRequest.newBuilder().setRender(block).build());
    }

    private synchronized void send(SynthRequest request) {
        requests.onNext(request);
    }

    public synchronized void close() {
        try {
            requests.onCompleted();
        } catch (IllegalStateException alreadyClosed) {
            // the stream ended first
        }
    }

    private final class Responses implements ClientResponseObserver<SynthRequest, SynthResponse> {
        @Override
        public void beforeStart(ClientCallStreamObserver<SynthRequest> stream) {
            requests = stream;
        }

        @Override
        public void onNext(SynthResponse r) {
            switch (r.getKindCase()) {
                case OPENED -> opened.complete(r.getOpened());
                case BLOCK -> listener.block(r.getBlock());
                case ERROR -> listener.error(r.getError());
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
            opened.completeExceptionally(Status.UNAVAILABLE.withDescription("the synth stream ended before it opened").asRuntimeException());
            listener.closed(Status.OK);
        }
    }
}
