package cloud.dawg.cli;

import cloud.dawg.client.GatewayClient;
import cloud.dawg.client.NativeParticipant;
import cloud.dawg.client.ParticipantSocket;
import cloud.dawg.proto.v1.BlockAudio;
import cloud.dawg.proto.v1.ParticipantRequest;
import cloud.dawg.proto.v1.ParticipantResponse;
import io.grpc.Status;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Simulated participants streaming through the gateway's WebSocket (or its gRPC front door) in
 * real time: each session
 * has one participant sending all its tracks in one frame per block, paced by the wall clock.
 * Measures each block's round trip (frame sent to master received), blocks lost, and reads the
 * services' late blocks, drops and realtime load from their Prometheus endpoints.
 */
@Command(name = "loadtest", mixinStandardHelpOptions = true,
        description = "Stream simulated participants through a running gateway (see ./dawg up) and report latency and load.")
public final class LoadtestCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--gateway", description = "Gateway base URL (default: ${DEFAULT-VALUE}).", defaultValue = "http://localhost:8080")
    URI gateway;

    @Option(names = "--mix-metrics", description = "mix-service HTTP base URL for its metrics (default: ${DEFAULT-VALUE}).",
            defaultValue = "http://localhost:8081")
    URI mixMetrics;

    /** The gateway's front doors. */
    enum Transport { websocket, grpc }

    @Option(names = "--transport", description = "websocket (browsers) or grpc (native clients) (default: ${DEFAULT-VALUE}).",
            defaultValue = "websocket")
    Transport transport;

    @Option(names = "--gateway-grpc", description = "The gateway's gRPC front door, host:port (default: ${DEFAULT-VALUE}).",
            defaultValue = "localhost:9090")
    String gatewayGrpc;

    @Option(names = "--sessions", description = "Concurrent sessions (default: ${DEFAULT-VALUE}).", defaultValue = "1")
    int sessions;

    @Option(names = "--tracks", description = "Tracks per session (default: ${DEFAULT-VALUE}).", defaultValue = "8")
    int tracks;

    @Option(names = "--seconds", description = "Measured seconds of audio per session (default: ${DEFAULT-VALUE}).", defaultValue = "10")
    int seconds;

    @Option(names = "--warmup-seconds", description = "Seconds streamed before measuring (default: ${DEFAULT-VALUE}).", defaultValue = "2")
    int warmupSeconds;

    @Option(names = "--block", description = "Frames per block (default: ${DEFAULT-VALUE}).", defaultValue = "128")
    int block;

    @Option(names = "--rate", description = "Sample rate (default: ${DEFAULT-VALUE}).", defaultValue = "48000")
    int rate;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (sessions < 1 || tracks < 1 || tracks > 256 || seconds < 1 || warmupSeconds < 0) {
            System.err.println("dawg loadtest: --sessions >= 1, --tracks 1..256, --seconds >= 1 and --warmup-seconds >= 0");
            return DawgCli.BAD_INPUT;
        }
        GatewayClient client = new GatewayClient(gateway);
        try {
            client.get("/actuator/health");
        } catch (java.io.IOException e) {
            System.err.println("dawg loadtest: no gateway at " + gateway + " (" + e.getMessage() + "); start one with ./dawg up");
            return 1;
        }
        long blockNanos = block * 1_000_000_000L / rate;
        int warmBlocks = (int) (warmupSeconds * 1_000_000_000L / blockNanos);
        int blocks = warmBlocks + (int) (seconds * 1_000_000_000L / blockNanos);
        Counts initial = counts(client);

        List<Run> runs = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            Run run = new Run(client, s, blocks, warmBlocks, blockNanos);
            if (run.error != null) {
                System.err.println("dawg loadtest: could not create session " + s + ": " + run.error);
                runs.forEach(Run::close);
                return 1;
            }
            runs.add(run);
        }
        long[] idleOvershoot = wakeUpOvershoot(blockNanos, (int) (1_000_000_000L / blockNanos));
        if (!json) {
            System.err.printf("streaming %d session(s) x %d tracks for %d s (+%d s warm-up) through %s...%n",
                    sessions, tracks, seconds, warmupSeconds, transport == Transport.grpc ? "grpc://" + gatewayGrpc : gateway);
        }
        CountDownLatch done = new CountDownLatch(runs.size());
        long start = System.nanoTime() + 50_000_000L;
        for (int i = 0; i < runs.size(); i++) {
            Run run = runs.get(i);
            long offset = blockNanos * i / runs.size(); // spread the sessions' block starts over one block
            Thread.ofPlatform().name("loadtest-" + i).start(() -> {
                run.stream(start + offset);
                done.countDown();
            });
        }
        // the services' counters are read again when the warm-up has ended for every session (to within a block), so
        // that late and dropped blocks cover the same blocks as the round trips
        long warmEnd = start + warmBlocks * blockNanos + blockNanos;
        WakeUpProbe loadedWakeUps = new WakeUpProbe(blockNanos, warmEnd, blocks - warmBlocks, done);
        for (long wait; (wait = warmEnd - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(wait);
        }
        Counts measuredFrom = warmBlocks == 0 ? initial : counts(client);
        done.await();
        long[] loadedOvershoot = loadedWakeUps.sorted();
        Thread.sleep(300); // the last replies
        Counts end = counts(client);
        double load = end.realtimeLoad;
        double late = end.late - measuredFrom.late;
        double serviceDropped = end.serviceDropped - measuredFrom.serviceDropped;
        double gatewayDropped = end.gatewayDropped - measuredFrom.gatewayDropped;
        double warmupLate = measuredFrom.late - initial.late;
        runs.forEach(Run::close);

        long[] rtt = runs.stream().flatMapToLong(r -> Arrays.stream(r.measuredRtts())).sorted().toArray();
        long[] sendLateness = runs.stream().flatMapToLong(r -> Arrays.stream(r.measuredLateness())).sorted().toArray();
        long expected = (long) runs.size() * (blocks - warmBlocks);
        long lost = expected - rtt.length;
        ObjectNode out = JSON.createObjectNode().put("transport", transport.name()).put("sessions", sessions).put("tracks", tracks)
                .put("seconds", seconds)
                .put("blockFrames", block).put("sampleRate", rate).put("backend", runs.get(0).backend)
                .put("blocksMeasured", expected).put("blocksLost", lost)
                .put("rttP50Ms", percentile(rtt, 0.50)).put("rttP99Ms", percentile(rtt, 0.99))
                .put("rttP999Ms", percentile(rtt, 0.999)).put("rttMaxMs", rtt.length == 0 ? Double.NaN : rtt[rtt.length - 1] / 1e6)
                .put("idleWakeUpOvershootP50Ms", percentile(idleOvershoot, 0.50))
                .put("idleWakeUpOvershootP99Ms", percentile(idleOvershoot, 0.99))
                .put("loadedWakeUpOvershootP99Ms", percentile(loadedOvershoot, 0.99))
                .put("loadedWakeUpOvershootP999Ms", percentile(loadedOvershoot, 0.999))
                .put("loadedWakeUpsOver2MsPercent", percentOver(loadedOvershoot, 2_000_000))
                .put("sendLatenessP50Ms", percentile(sendLateness, 0.50)).put("sendLatenessP99Ms", percentile(sendLateness, 0.99))
                .put("lateBlocks", late).put("serviceDroppedBlocks", serviceDropped)
                .put("gatewayDroppedAudioBlocks", gatewayDropped).put("warmupLateBlocks", warmupLate).put("mixRealtimeLoad", load);
        if (json) {
            System.out.println(out.toPrettyString());
        } else {
            System.out.printf("%s, backend %s; %d blocks measured, %d lost; round trip p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms%n",
                    transport, runs.get(0).backend, expected, lost, out.get("rttP50Ms").asDouble(), out.get("rttP99Ms").asDouble(),
                    out.get("rttP999Ms").asDouble(), out.get("rttMaxMs").asDouble());
            System.out.printf("this machine: a sleeping thread wakes p50 %.3f / p99 %.3f ms late when idle, p99 %.3f / p99.9 %.3f ms "
                            + "under this load (%.2f %% of wake-ups over 2 ms late); "
                            + "the senders sent p50 %.3f / p99 %.3f ms after their block's time%n",
                    out.get("idleWakeUpOvershootP50Ms").asDouble(), out.get("idleWakeUpOvershootP99Ms").asDouble(),
                    out.get("loadedWakeUpOvershootP99Ms").asDouble(), out.get("loadedWakeUpOvershootP999Ms").asDouble(),
                    out.get("loadedWakeUpsOver2MsPercent").asDouble(),
                    out.get("sendLatenessP50Ms").asDouble(), out.get("sendLatenessP99Ms").asDouble());
            System.out.printf("mix-service: %.0f late blocks, %.0f dropped blocks, realtime load %.3f (last 5 s); "
                            + "gateway: %.0f audio blocks dropped for a slow mix-service; %.0f late blocks during the warm-up%n",
                    late, serviceDropped, load, gatewayDropped, warmupLate);
        }
        return 0;
    }

    /**
     * How late a thread parked for one block period wakes, {@code count} times, sorted: the
     * machine's own scheduling noise, a floor under every round trip measured here (on a busy
     * or virtualised host it alone can exceed a block).
     */
    private static long[] wakeUpOvershoot(long periodNanos, int count) {
        long[] late = new long[count];
        for (int i = 0; i < count; i++) {
            late[i] = sleepOnce(periodNanos);
        }
        Arrays.sort(late);
        return late;
    }

    /** Sleeps for {@code periodNanos} and returns how much later than that the thread woke. */
    private static long sleepOnce(long periodNanos) {
        long due = System.nanoTime() + periodNanos;
        LockSupport.parkNanos(periodNanos);
        return Math.max(0, System.nanoTime() - due);
    }

    /**
     * A thread that sleeps one block period at a time while the sessions stream and records how late
     * it woke, from the end of the warm-up on: the machine's scheduling noise under the load being
     * measured. Every thread hand-off of a round trip is such a wake-up, so the share of wake-ups
     * later than a bound, times the hand-offs per round trip, is the share of round trips it alone
     * pushes past that bound.
     */
    private static final class WakeUpProbe {
        private final long[] late;
        private final Thread thread;
        private int count;

        WakeUpProbe(long periodNanos, long from, int capacity, CountDownLatch streaming) {
            this.late = new long[capacity];
            this.thread = Thread.ofPlatform().name("loadtest-wake-up-probe").daemon().start(() -> {
                while (streaming.getCount() > 0 && count < late.length) {
                    boolean measured = System.nanoTime() + periodNanos > from;
                    long overshoot = sleepOnce(periodNanos);
                    if (measured) {
                        late[count++] = overshoot;
                    }
                }
            });
        }

        /** The recorded lateness, sorted (waits for the probe to see the streams end). */
        long[] sorted() throws InterruptedException {
            thread.join();
            long[] out = Arrays.copyOf(late, count);
            Arrays.sort(out);
            return out;
        }
    }

    private static double percentOver(long[] sorted, long bound) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        long over = Arrays.stream(sorted).filter(v -> v > bound).count();
        return 100.0 * over / sorted.length;
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    /** The services' counters at one moment (NaN where a service could not be read). */
    private record Counts(double late, double serviceDropped, double realtimeLoad, double gatewayDropped) {
    }

    private Counts counts(GatewayClient gateway) {
        String mix = mixMetrics();
        return new Counts(metric(mix, "dawg_blocks_late_total"), metric(mix, "dawg_blocks_dropped_total"),
                metric(mix, "dawg_realtime_load"), gatewayAudioDropped(gateway));
    }

    /** The mix-service's Prometheus text, or null when it cannot be read (its figures are then NaN). */
    private String mixMetrics() {
        try {
            return new GatewayClient(mixMetrics).getText("/actuator/prometheus");
        } catch (Exception e) {
            return null;
        }
    }

    /** Audio blocks the gateway did not forward because the mix-service's stream was full, or NaN when unreadable. */
    private static double gatewayAudioDropped(GatewayClient gateway) {
        try {
            return metric(gateway.getText("/actuator/prometheus"), "dawg_gateway_blocks_dropped_total", "reason=\"mix-service-slow\"");
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    /** The sum of a metric's samples over its tags. */
    private static double metric(String prometheus, String name) {
        return metric(prometheus, name, "");
    }

    /** The sum of a metric's samples whose tags contain {@code tag}. */
    private static double metric(String prometheus, String name, String tag) {
        if (prometheus == null) {
            return Double.NaN;
        }
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*" + Pattern.quote(tag) + "[^}]*} ([0-9.eE+-]+)$").matcher(prometheus);
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }

    /** One session: its participant connection, its paced sender and the round trips it saw. */
    private final class Run implements ParticipantSocket.Listener, NativeParticipant.Listener {
        final int blocks, warmBlocks;
        final long blockNanos;
        final AtomicLongArray sent, received;
        long start;
        final byte[][] frames = new byte[8][];
        final BlockAudio[] nativeBlocks = new BlockAudio[frames.length];
        final GatewayClient client;
        ParticipantSocket socket;
        NativeParticipant nativeStream;
        String error, backend = "", id, ownerToken;

        Run(GatewayClient client, int index, int blocks, int warmBlocks, long blockNanos) throws Exception {
            this.client = client;
            this.blocks = blocks;
            this.warmBlocks = warmBlocks;
            this.blockNanos = blockNanos;
            this.sent = new AtomicLongArray(blocks);
            this.received = new AtomicLongArray(blocks);
            ObjectNode session = JSON.createObjectNode().put("sampleRate", rate).put("blockSize", block);
            session.putArray("participants").addObject().put("name", "p").put("role", "editor");
            ArrayNode list = session.putArray("tracks");
            for (int t = 0; t < tracks; t++) {
                ObjectNode track = list.addObject().put("name", "t" + t).put("owner", "p");
                ObjectNode strip = track.putObject("strip");
                strip.putObject("eq").put("active", true).putObject("mid").put("freq", 800 + 100 * t).put("gainDb", 3);
                strip.putObject("comp").put("active", true).put("thresholdDb", -18).put("ratio", 3);
                strip.put("pan", (t % 3 - 1) * 0.5);
            }
            GatewayClient.Response created = client.createSession(session.toString());
            if (created.status() != 201) {
                error = created.status() + " " + created.body().path("detail").asText(created.body().toString());
                return;
            }
            backend = created.body().get("backend").asText();
            String token = created.body().at("/participants/0/token").asText();
            id = created.body().get("id").asText();
            ownerToken = created.body().get("ownerToken").asText();
            if (transport == Transport.grpc) {
                nativeStream = new NativeParticipant(gatewayGrpc, this);
                nativeStream.join(id, token, false);
            } else {
                socket = client.connect(id, this);
                socket.sendText(JSON.createObjectNode().put("type", "join").put("token", token).toString());
            }
            int[] ids = new int[tracks];
            float[][] left = new float[tracks][block], right = new float[tracks][block];
            SplittableRandom random = new SplittableRandom(index);
            for (int f = 0; f < frames.length; f++) { // a few distinct frames, reused: generating audio is not what is measured
                for (int t = 0; t < tracks; t++) {
                    ids[t] = t + 1;
                    for (int i = 0; i < block; i++) {
                        left[t][i] = (float) (0.2 * (random.nextDouble() * 2 - 1));
                        right[t][i] = (float) (0.2 * (random.nextDouble() * 2 - 1));
                    }
                }
                frames[f] = ParticipantSocket.audioFrame(0, block, ids, left, right);
                nativeBlocks[f] = NativeParticipant.audioBlock(0, ids, left, right);
            }
        }

        void stream(long start) {
            this.start = start;
            for (int b = 0; b < blocks; b++) {
                long due = start + b * blockNanos;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                if (nativeStream != null) {
                    ParticipantRequest request = ParticipantRequest.newBuilder()
                            .setAudio(nativeBlocks[b % frames.length].toBuilder().setSequence(b)).build();
                    sent.set(b, System.nanoTime());
                    nativeStream.send(request);
                    continue;
                }
                byte[] frame = frames[b % frames.length];
                java.nio.ByteBuffer.wrap(frame).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(8, b);
                sent.set(b, System.nanoTime());
                socket.sendBinary(frame);
            }
        }

        /** How long after its due time each measured block was sent (read once the stream ended). */
        long[] measuredLateness() {
            long[] late = new long[blocks - warmBlocks];
            for (int b = warmBlocks; b < blocks; b++) {
                late[b - warmBlocks] = sent.get(b) - (start + b * blockNanos);
            }
            return late;
        }

        long[] measuredRtts() {
            List<Long> out = new ArrayList<>();
            for (int b = warmBlocks; b < blocks; b++) {
                long r = received.get(b), s = sent.get(b);
                if (r != 0 && s != 0) {
                    out.add(r - s);
                }
            }
            return out.stream().mapToLong(Long::longValue).toArray();
        }

        @Override
        public void text(String json) {
        }

        @Override
        public void mix(int kind, long sequence, float[] left, float[] right) {
            if (kind == 2 && sequence >= 0 && sequence < blocks) {
                received.compareAndSet((int) sequence, 0, System.nanoTime());
            }
        }

        @Override
        public void closed(int code, String reason) {
        }

        @Override
        public void response(ParticipantResponse response) {
            if (response.hasMix() && !response.getMix().getMonitor()) {
                long sequence = response.getMix().getSequence();
                if (sequence < blocks) {
                    received.compareAndSet((int) sequence, 0, System.nanoTime());
                }
            }
        }

        @Override
        public void closed(Status status) {
        }

        /** Leaves and ends the session, so that repeated runs do not pile sessions up on the services. */
        void close() {
            if (nativeStream != null) {
                nativeStream.close();
            }
            if (socket != null) {
                try {
                    socket.close();
                } catch (RuntimeException ignored) {
                    // already closed
                }
            }
            if (id != null) {
                try {
                    client.endSession(id, ownerToken);
                } catch (java.io.IOException e) {
                    System.err.println("dawg loadtest: could not end session " + id + ": " + e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
