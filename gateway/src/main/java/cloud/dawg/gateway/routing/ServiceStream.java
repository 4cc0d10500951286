package cloud.dawg.gateway.routing;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What the gateway's ends of the Mix and Play streams share: the outgoing side, the answer to the
 * opening message, and the end of the stream. {@code O} is the service's "opened" answer.
 */
final class ServiceStream<Q, R, O> implements ClientResponseObserver<Q, R> {
    private static final long NOT_PAST = Long.MIN_VALUE;
    private final String name;
    private final Function<R, O> openedAnswer;
    private final Consumer<R> messages;
    private final Consumer<Status> closed;
    private final CompletableFuture<O> opened = new CompletableFuture<>();
    private ClientCallStreamObserver<Q> requests;
    private long pastThresholdSince = NOT_PAST;
    private int sentPastThreshold;

    /**
     * @param name         the stream's name in the error when it ends before opening ("mix", "synth")
     * @param openedAnswer a response's opening answer, or null when it is another kind
     * @param messages     every other response, on a gRPC thread
     * @param closed       the stream ended (OK when the gateway closed it)
     */
    ServiceStream(String name, Function<R, O> openedAnswer, Consumer<R> messages, Consumer<Status> closed) {
        this.name = name;
        this.openedAnswer = openedAnswer;
        this.messages = messages;
        this.closed = closed;
    }

    CompletableFuture<O> opened() { return opened; }

    synchronized void send(Q request) {
        requests.onNext(request);
    }

    /**
     * Sends unless the transport holds more than the stream's on-ready threshold already. Past the
     * threshold, up to {@code burst} more messages are still sent within {@code burstNanos} of the
     * first send that found it exceeded: a client's burst (blocks that arrive together after a
     * network hiccup) reaches the transport before its event loop has flushed the first of them, and
     * is no queue. A stall lasts longer than that and is dropped from then on.
     */
    synchronized boolean sendIfReady(Q request, int burst, long burstNanos) {
        if (requests.isReady()) {
            sentPastThreshold = 0;
            pastThresholdSince = NOT_PAST;
        } else {
            long now = System.nanoTime();
            if (pastThresholdSince == NOT_PAST) {
                pastThresholdSince = now;
            }
            if (sentPastThreshold >= burst || now - pastThresholdSince >= burstNanos) {
                return false;
            }
            sentPastThreshold++;
        }
        requests.onNext(request);
        return true;
    }

    synchronized void close() {
        try {
            requests.onCompleted();
        } catch (IllegalStateException alreadyClosed) {
            // the stream ended first
        }
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<Q> stream) {
        requests = stream;
    }

    @Override
    public void onNext(R response) {
        O answer = openedAnswer.apply(response);
        if (answer != null) {
            opened.complete(answer);
        } else {
            messages.accept(response);
        }
    }

    @Override
    public void onError(Throwable t) {
        Status status = Status.fromThrowable(t);
        opened.completeExceptionally(status.asRuntimeException());
        closed.accept(status);
    }

    @Override
    public void onCompleted() {
        opened.completeExceptionally(Status.UNAVAILABLE.withDescription("the " + name + " stream ended before it opened").asRuntimeException());
        closed.accept(Status.OK);
    }
}
