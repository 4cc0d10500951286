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
    private final ServiceStream<SynthRequest, SynthResponse, InstrumentOpened> stream;

    private SynthLink(String target, Listener listener) {
        this.target = target;
        this.stream = new ServiceStream<>("synth", r -> r.hasOpened() ? r.getOpened() : null, r -> {
            switch (r.getKindCase()) {
                case BLOCK -> listener.block(r.getBlock());
                case ERROR -> listener.error(r.getError());
                default -> { }
            }
        }, listener::closed);
    }

    public static SynthLink open(Channel channel, String target, OpenInstrument open, Listener listener) {
        SynthLink link = new SynthLink(target, listener);
        SynthServiceGrpc.newStub(channel).play(link.stream);
        link.stream.send(SynthRequest.newBuilder().setOpen(open).build());
        return link;
    }

    public CompletableFuture<InstrumentOpened> opened() { return stream.opened(); }
    public String target() { return target; }

    public void render(RenderBlock block) {
        stream.send(SynthRequest.newBuilder().setRender(block).build());
    }

    public void close() {
        stream.close();
    }
}
