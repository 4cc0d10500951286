package cloud.dawg.system;

import cloud.dawg.client.NativeParticipant;
import cloud.dawg.proto.v1.ParticipantMix;
import cloud.dawg.proto.v1.ParticipantResponse;
import io.grpc.Status;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A test participant on the gateway's gRPC front door, with what it received kept for assertions. */
final class NativeClient implements NativeParticipant.Listener, AutoCloseable {
    final BlockingQueue<ParticipantResponse> control = new LinkedBlockingQueue<>();
    final Map<Long, float[][]> master = new ConcurrentHashMap<>();
    final Map<Long, float[][]> monitor = new ConcurrentHashMap<>();
    final CompletableFuture<Status> closed = new CompletableFuture<>();
    final NativeParticipant stream;

    NativeClient(String target) {
        stream = new NativeParticipant(target, this);
    }

    /** Joins and returns the joined response. */
    ParticipantResponse join(String sessionId, String token, boolean monitorMix) throws InterruptedException {
        stream.join(sessionId, token, monitorMix);
        return next(ParticipantResponse.KindCase.JOINED);
    }

    /** The next control response of a kind (others are skipped), or fails after 10 s. */
    ParticipantResponse next(ParticipantResponse.KindCase kind) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < until) {
            ParticipantResponse r = control.poll(100, TimeUnit.MILLISECONDS);
            if (r != null && r.getKindCase() == kind) {
                return r;
            }
            if (closed.isDone() && control.isEmpty()) {
                break;
            }
        }
        throw new AssertionError("no " + kind + " response within 10 s" + (closed.isDone() ? "; closed: " + closed.join() : ""));
    }

    float[][] awaitMaster(long sequence, Duration timeout) throws InterruptedException {
        return Sessions.awaitBlock(master, sequence, timeout, () -> closed.isDone() ? "; closed: " + closed.join() : "");
    }

    Status awaitClose() throws Exception {
        return closed.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void response(ParticipantResponse response) {
        if (response.hasMix()) {
            ParticipantMix mix = response.getMix();
            (mix.getMonitor() ? monitor : master).put(mix.getSequence(), NativeParticipant.samples(mix.getPcm()));
        } else {
            control.add(response);
        }
    }

    @Override
    public void closed(Status status) {
        closed.complete(status);
    }

    @Override
    public void close() {
        stream.close();
    }
}
