package cloud.dawg.gateway.routing;

import cloud.dawg.proto.v1.BlockAudio;
import cloud.dawg.proto.v1.MeterReadings;
import cloud.dawg.proto.v1.MixEvent;
import cloud.dawg.proto.v1.MixOpened;
import cloud.dawg.proto.v1.MixRequest;
import cloud.dawg.proto.v1.MixResponse;
import cloud.dawg.proto.v1.MixServiceGrpc;
import cloud.dawg.proto.v1.MixedBlock;
import cloud.dawg.proto.v1.OpenMix;
import cloud.dawg.proto.v1.TrackAudio;
import cloud.dawg.proto.v1.TrackSpec;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gateway's end of a Mix stream, against a real gRPC server on a socket. */
class MixLinkTest {
    private static final int TRACKS = 8, FRAMES = 128, SENT = 600;

    private Server server;
    private ManagedChannel channel;

    /** A mix-service that answers the open and then reads on, or stops reading as a stalled instance would. */
    private static final class CountingMixService extends MixServiceGrpc.MixServiceImplBase {
        final AtomicInteger received = new AtomicInteger();
        final boolean stalls;

        CountingMixService(boolean stalls) {
            this.stalls = stalls;
        }

        @Override
        public StreamObserver<MixRequest> mix(StreamObserver<MixResponse> responses) {
            ServerCallStreamObserver<MixResponse> out = (ServerCallStreamObserver<MixResponse>) responses;
            if (stalls) {
                out.disableAutoRequest();
                out.request(1);
            }
            return new StreamObserver<>() {
                @Override
                public void onNext(MixRequest request) {
                    received.incrementAndGet();
                    if (request.hasOpen()) {
                        out.onNext(MixResponse.newBuilder().setOpened(MixOpened.newBuilder().setBackend("scalar")).build());
                    }
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    out.onCompleted();
                }
            };
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldDropAndCountAudioRatherThanQueueItWhenTheServiceStopsReading() throws Exception {
        CountingMixService service = new CountingMixService(true);
        LongAdder dropped = new LongAdder();
        MixLink link = open(service, dropped, FRAMES);
        int refused = 0;
        for (int b = 0; b < SENT; b++) {
            if (!link.sendAudio(audio(b, FRAMES))) {
                refused++;
            }
            Thread.sleep(0, 200_000); // let the transport drain what the window allows, as a live stream would
        }

        assertEquals(refused, dropped.sum(), "every refused block is counted");
        // the HTTP/2 windows (~1 MiB) take ~128 blocks of 8 KB; the link holds at most 4 + 8 blocks more: the rest must be dropped
        assertTrue(refused >= SENT - 200, "the link drops what the stalled service cannot take: " + refused + " of " + SENT);
        assertEquals(1, service.received.get(), "the stalled service read only the open");
        link.close();
    }

    @Test
    void shouldPassAClientsBurstOfBlocksWithoutDroppingAny() throws Exception {
        CountingMixService service = new CountingMixService(false);
        LongAdder dropped = new LongAdder();
        // blocks of 1 024 frames: the burst allowance (one block's time, 21 ms) then outlasts sends made before the JIT has run
        int frames = 1024;
        MixLink link = open(service, dropped, frames);
        int burst = 12; // three times the threshold of 4 blocks
        for (int b = 0; b < burst; b++) {
            assertTrue(link.sendAudio(audio(b, frames)), "block " + b + " of a burst of " + burst + " is sent");
        }
        assertEquals(0, dropped.sum());
        for (long until = System.nanoTime() + 5_000_000_000L; service.received.get() < 1 + burst && System.nanoTime() < until; ) {
            Thread.sleep(10);
        }
        assertEquals(1 + burst, service.received.get(), "the service received the open and the whole burst");
        link.close();
    }

    private MixLink open(CountingMixService service, LongAdder dropped, int frames) throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("localhost", 0)).addService(service).build().start();
        channel = NettyChannelBuilder.forAddress("localhost", server.getPort()).usePlaintext().build();
        OpenMix.Builder open = OpenMix.newBuilder().setSessionId("s").setSampleRate(48000).setBlockSize(frames);
        for (int t = 0; t < TRACKS; t++) {
            open.addTracks(TrackSpec.newBuilder().setTrackId(t + 1).setOwner("p"));
        }
        MixLink link = MixLink.open(channel, "counting", open.build(), new IgnoringListener(), dropped);
        assertEquals("scalar", link.opened().get(10, TimeUnit.SECONDS).getBackend());
        return link;
    }

    private static MixRequest audio(long sequence, int frames) {
        BlockAudio.Builder audio = BlockAudio.newBuilder().setSequence(sequence);
        for (int t = 0; t < TRACKS; t++) {
            audio.addTracks(TrackAudio.newBuilder().setTrackId(t + 1).setPcm(ByteString.copyFrom(new byte[8 * frames])));
        }
        return MixRequest.newBuilder().setAudio(audio).build();
    }

    private static final class IgnoringListener implements MixLink.Listener {
        @Override
        public void block(MixedBlock block) {
        }

        @Override
        public void meters(MeterReadings meters) {
        }

        @Override
        public void event(MixEvent event) {
        }

        @Override
        public void closed(Status status) {
        }
    }
}
