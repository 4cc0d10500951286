package cloud.dawg.client;

import cloud.dawg.proto.v1.BlockAudio;
import cloud.dawg.proto.v1.JoinSession;
import cloud.dawg.proto.v1.ParticipantRequest;
import cloud.dawg.proto.v1.ParticipantResponse;
import cloud.dawg.proto.v1.SessionServiceGrpc;
import cloud.dawg.proto.v1.TrackAudio;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * A native client's connection to a session through the gateway's gRPC front door
 * ({@code dawg.v1.SessionService/Join}). What the gateway sends goes to a {@link Listener} on the
 * transport's event loop (no hand-off to an executor thread per message, as in {@link GatewayClient}):
 * a listener must return quickly and must not block.
 */
public final class NativeParticipant implements AutoCloseable {
    /** What the gateway sends. */
    public interface Listener {
        void response(ParticipantResponse response);

        /** The stream ended: OK after an {@code ended} response or a normal close, else why not. */
        void closed(Status status);
    }

    private final ManagedChannel channel;
    private final StreamObserver<ParticipantRequest> requests;
    private boolean halfClosed;

    /** Opens the stream to a gateway's gRPC port: {@code host:port}, or a gRPC target URI such as {@code dns:///name:port}. */
    public NativeParticipant(String target, Listener listener) {
        channel = NettyChannelBuilder.forTarget(target).usePlaintext().maxInboundMessageSize(64 << 20).directExecutor().build();
        requests = SessionServiceGrpc.newStub(channel).join(new StreamObserver<>() {
            @Override
            public void onNext(ParticipantResponse response) {
                listener.response(response);
            }

            @Override
            public void onError(Throwable t) {
                listener.closed(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                listener.closed(Status.OK);
            }
        });
    }

    public void join(String sessionId, String token, boolean monitorMix) {
        send(ParticipantRequest.newBuilder().setJoin(JoinSession.newBuilder().setSessionId(sessionId).setToken(token)
                .setMonitorMix(monitorMix)).build());
    }

    public synchronized void send(ParticipantRequest request) {
        if (!halfClosed) {
            requests.onNext(request);
        }
    }

    /** One block of the participant's tracks (stereo, planar float32 little-endian). */
    public void audio(long sequence, int[] trackIds, float[][] left, float[][] right) {
        send(ParticipantRequest.newBuilder().setAudio(audioBlock(sequence, trackIds, left, right)).build());
    }

    public static BlockAudio audioBlock(long sequence, int[] trackIds, float[][] left, float[][] right) {
        BlockAudio.Builder block = BlockAudio.newBuilder().setSequence(sequence);
        for (int t = 0; t < trackIds.length; t++) {
            block.addTracks(TrackAudio.newBuilder().setTrackId(trackIds[t]).setPcm(pcm(left[t], right[t])));
        }
        return block.build();
    }

    /** Planar stereo PCM as the wire carries it. */
    public static ByteString pcm(float[] left, float[] right) {
        ByteBuffer b = ByteBuffer.allocate(4 * (left.length + right.length)).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(left).put(right);
        return ByteString.copyFrom(b.array());
    }

    /** The samples of planar stereo PCM: {left, right}. */
    public static float[][] samples(ByteString pcm) {
        ByteBuffer b = pcm.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        int frames = pcm.size() / 8;
        float[][] lr = new float[2][frames];
        b.asFloatBuffer().get(lr[0]).get(lr[1]);
        return lr;
    }

    /** Leaves the session (half-closes the stream), then releases the connection. */
    @Override
    public void close() {
        synchronized (this) {
            if (!halfClosed) {
                halfClosed = true;
                requests.onCompleted();
            }
        }
        channel.shutdown();
        try {
            if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
