package cloud.dawg.system;

import cloud.dawg.cli.DawgCli;
import cloud.dawg.cli.LoadtestCommand;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dawg loadtest} streaming through the stack's real gateway, as a user runs it after {@code ./dawg up}. */
class LoadtestCommandTest {
    static LiveStack stack;

    @BeforeAll
    static void start() throws Exception {
        stack = LiveStack.shared();
    }

    @Test
    void shouldStreamRealSessionsReportLatencyAndTheMachinesWakeUpNoiseAndEndItsSessions() throws Exception {
        double tracksBefore = Sessions.metric(stack.mixHttp().getText("/actuator/prometheus"), "dawg_tracks_active");
        Run run = loadtest("--gateway", "http://localhost:" + stack.gatewayHttp, "--mix-metrics", "http://localhost:" + stack.mixHttp,
                "--sessions", "2", "--tracks", "3", "--seconds", "1", "--warmup-seconds", "1", "--json");
        assertEquals(0, run.exit, run.err);
        JsonNode r = Sessions.JSON.readTree(run.out);
        assertEquals(stack.backend, r.get("backend").asText());
        assertEquals(2 * 375, r.get("blocksMeasured").asLong(), "two sessions of 1 s at 128 frames / 48 kHz");
        long lost = r.get("blocksLost").asLong();
        assertTrue(lost >= 0 && lost < 2 * 375 / 4, "blocks lost: " + lost);
        double p50 = r.get("rttP50Ms").asDouble(), p99 = r.get("rttP99Ms").asDouble();
        assertTrue(p50 > 0 && p50 <= p99 && p99 <= r.get("rttMaxMs").asDouble(), r.toString());
        double idle50 = r.get("idleWakeUpOvershootP50Ms").asDouble(), idle99 = r.get("idleWakeUpOvershootP99Ms").asDouble();
        assertTrue(idle50 >= 0 && idle50 <= idle99 && idle99 < 1000, r.toString());
        double loaded99 = r.get("loadedWakeUpOvershootP99Ms").asDouble(), loaded999 = r.get("loadedWakeUpOvershootP999Ms").asDouble();
        assertTrue(loaded99 >= 0 && loaded99 <= loaded999 && loaded999 < 1000, "wake-ups measured while streaming: " + r);
        double over2 = r.get("loadedWakeUpsOver2MsPercent").asDouble();
        assertTrue(over2 >= 0 && over2 <= 100, r.toString());
        double send50 = r.get("sendLatenessP50Ms").asDouble(), send99 = r.get("sendLatenessP99Ms").asDouble();
        assertTrue(send50 >= 0 && send50 <= send99 && send99 < 1000, r.toString());
        assertTrue(r.get("mixRealtimeLoad").asDouble() >= 0, "the mix-service's metrics were read: " + r);
        double gatewayDropped = r.get("gatewayDroppedAudioBlocks").asDouble();
        assertTrue(gatewayDropped >= 0 && gatewayDropped < 2 * 375, "the gateway's metrics were read: " + r);
        double warmupLate = r.get("warmupLateBlocks").asDouble(), late = r.get("lateBlocks").asDouble();
        assertTrue(warmupLate >= 0 && late >= 0 && warmupLate + late <= 2 * 2 * 375, "late blocks split at the warm-up's end: " + r);
        double tracksAfter = Double.NaN;
        for (long until = System.nanoTime() + 5_000_000_000L; System.nanoTime() < until; Thread.sleep(50)) {
            tracksAfter = Sessions.metric(stack.mixHttp().getText("/actuator/prometheus"), "dawg_tracks_active");
            if (tracksAfter == tracksBefore) {
                break; // the mix-service frees a session's tracks when its stream ends, just after the gateway answered
            }
        }
        assertEquals(tracksBefore, tracksAfter, "the loadtest ended its sessions: their tracks are free again");
    }

    @Test
    void shouldStreamThroughTheGatewaysGrpcFrontDoorToo() throws Exception {
        Run run = loadtest("--gateway", "http://localhost:" + stack.gatewayHttp, "--mix-metrics", "http://localhost:" + stack.mixHttp,
                "--transport", "grpc", "--gateway-grpc", "localhost:" + stack.gatewayGrpc,
                "--sessions", "1", "--tracks", "2", "--seconds", "1", "--warmup-seconds", "1", "--json");
        assertEquals(0, run.exit, run.err);
        JsonNode r = Sessions.JSON.readTree(run.out);
        assertEquals("grpc", r.get("transport").asText());
        assertEquals(375, r.get("blocksMeasured").asLong());
        long lost = r.get("blocksLost").asLong();
        assertTrue(lost >= 0 && lost < 375 / 4, "blocks lost: " + lost);
        assertTrue(r.get("rttP50Ms").asDouble() > 0, r.toString());
    }

    @Test
    void shouldRefuseOutOfRangeOptionsWithAMessageAndExitCodeTwo() {
        Run run = loadtest("--gateway", "http://localhost:" + stack.gatewayHttp, "--sessions", "0");
        assertEquals(DawgCli.BAD_INPUT, run.exit);
        assertTrue(run.err.contains("--sessions >= 1"), run.err);
    }

    @Test
    void shouldSayWhereNoGatewayAnswers() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Run run = loadtest("--gateway", "http://localhost:" + closed, "--seconds", "1");
        assertEquals(1, run.exit);
        assertTrue(run.err.contains("no gateway at http://localhost:" + closed) && run.err.contains("./dawg up"), run.err);
    }

    private record Run(int exit, String out, String err) {
    }

    /** Runs the command with its standard output and error captured (it prints with System.out / System.err). */
    private static synchronized Run loadtest(String... args) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int exit = new CommandLine(new LoadtestCommand()).execute(args);
            return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
