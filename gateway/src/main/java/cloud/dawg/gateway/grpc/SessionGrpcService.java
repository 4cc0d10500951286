package cloud.dawg.gateway.grpc;

import cloud.dawg.gateway.session.CloseCodes;
import cloud.dawg.gateway.session.ParticipantDrops;
import cloud.dawg.gateway.session.ParticipantJoin;
import cloud.dawg.proto.v1.ParticipantRequest;
import cloud.dawg.proto.v1.ParticipantResponse;
import cloud.dawg.proto.v1.SessionServiceGrpc;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The gateway's gRPC front door for native clients: one {@link GrpcParticipant} per Join call. */
public final class SessionGrpcService extends SessionServiceGrpc.SessionServiceImplBase implements AutoCloseable {
    static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);

    private final ParticipantJoin joiner;
    private final int mixQueue;
    private final ParticipantDrops drops;
    private final int maxRequestBytes;
    private final ScheduledExecutorService joinDeadlines = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("grpc-join-deadline").factory());

    public SessionGrpcService(ParticipantJoin joiner, int mixQueue, ParticipantDrops drops, int maxRequestBytes) {
        this.maxRequestBytes = maxRequestBytes;
        this.joiner = joiner;
        this.mixQueue = mixQueue;
        this.drops = drops;
    }

    @Override
    public StreamObserver<ParticipantRequest> join(StreamObserver<ParticipantResponse> responses) {
        GrpcParticipant participant = new GrpcParticipant((ServerCallStreamObserver<ParticipantResponse>) responses, joiner, mixQueue, drops,
                maxRequestBytes);
        joinDeadlines.schedule(() -> {
            if (!participant.joined()) {
                participant.close(CloseCodes.BAD_TOKEN, "no join request within " + JOIN_TIMEOUT.toSeconds() + " s");
            }
        }, JOIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        return participant;
    }

    @Override
    public void close() {
        joinDeadlines.shutdownNow();
    }
}
