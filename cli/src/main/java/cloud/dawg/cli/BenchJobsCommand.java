package cloud.dawg.cli;

import cloud.dawg.dsp.backend.Backend;
import cloud.dawg.dsp.workload.MixWorkload;
import cloud.dawg.dsp.workload.Steady;
import cloud.dawg.jobs.FileStemStore;
import cloud.dawg.jobs.JobEvent;
import cloud.dawg.jobs.JobPlan;
import cloud.dawg.jobs.JobPlanner;
import cloud.dawg.jobs.JobPublisher;
import cloud.dawg.jobs.JobState;
import cloud.dawg.jobs.JobStates;
import cloud.dawg.jobs.JobTopics;
import cloud.dawg.render.FloatWavWriter;
import cloud.dawg.render.WavSource;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The render-job benchmark of docs/BENCHMARKS.md: one project of N tracks (EQ and compressor on
 * every strip) rendered end to end as a job (upload excluded; Kafka, decoding, DSP, loudness,
 * writing every stem and the mix included) by 1, 2, 4... {@code dawg worker} processes on one
 * broker, beside ffmpeg running the nearest filter chain per track, file I/O alone and the DSP
 * alone. Prints figures per worker count, each worker's share, and the consumer lag over time.
 */
@Command(name = "bench-jobs", mixinStandardHelpOptions = true,
        description = {"Measures render-job throughput end to end (realtime strips per core) with 1, 2, 4... worker processes,",
                "side by side with ffmpeg (when on the PATH), file I/O alone and the DSP alone."})
final class BenchJobsCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--tracks", defaultValue = "16", description = "tracks in the project (default: ${DEFAULT-VALUE})")
    int tracks;

    @Option(names = "--seconds", defaultValue = "180", description = "length of the project in seconds (default: ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--workers", defaultValue = "1,2,4", split = ",", description = "worker process counts to run (default: ${DEFAULT-VALUE})")
    List<Integer> workerCounts;

    @Option(names = "--backend", defaultValue = "auto", paramLabel = "auto|scalar|simd|native")
    String backend;

    @Option(names = "--dir", defaultValue = "out/bench-jobs", description = "work folder: inputs are kept, stores are removed (default: ${DEFAULT-VALUE})")
    Path dir;

    @Option(names = "--bootstrap", description = "an existing Kafka (default: an embedded broker in this process)")
    String bootstrap;

    static final int RATE = 48000;

    @Override
    public Integer call() throws Exception {
        if (tracks < 1 || tracks > 256 || seconds < 1 || workerCounts.stream().anyMatch(n -> n < 1 || n > 32)) {
            System.err.println("dawg bench-jobs: --tracks 1..256, --seconds >= 1, --workers each 1..32");
            return DawgCli.BAD_INPUT;
        }
        Backend engine;
        try {
            engine = BackendChoice.single(backend);
        } catch (BackendChoice.BadInput e) {
            System.err.println("dawg bench-jobs: " + e.getMessage());
            return DawgCli.BAD_INPUT;
        }
        int cores = Runtime.getRuntime().availableProcessors();
        double stripSeconds = (double) tracks * seconds;
        Path inputs = Files.createDirectories(dir.resolve("inputs"));
        System.out.printf(Locale.ROOT, "project: %d tracks x %d s, 24-bit stereo %d Hz inputs, EQ (3 bands) + compressor on every strip; "
                + "backend %s; %d cores%n", tracks, seconds, RATE, engine.name(), cores);
        ObjectNode project = makeProject(inputs);

        Double ffmpegFiles = null, ffmpegNull = null;
        if (ffmpegPresent()) {
            ffmpegFiles = ffmpeg(inputs, true);
            ffmpegNull = ffmpeg(inputs, false);
            System.out.printf(Locale.ROOT, "ffmpeg, one track after another:   %7.0f realtime strips/core writing files, %7.0f to null%n",
                    stripSeconds / ffmpegFiles, stripSeconds / ffmpegNull);
        } else {
            System.out.println("ffmpeg: not on the PATH, not measured");
        }
        double io = ioAlone(inputs);
        System.out.printf(Locale.ROOT, "file I/O alone (decode, write each stem and the mix): %7.0f realtime strips/core (%.2f s)%n",
                stripSeconds / io, io);
        double dspStrips = dspAlone(engine);
        System.out.printf(Locale.ROOT, "DSP alone (%d-track session, %s):   %7.0f realtime strips/core%n", tracks, engine.name(), dspStrips);

        EmbeddedKafkaKraftBroker embedded = null;
        String kafka = bootstrap;
        if (kafka == null) {
            embedded = new EmbeddedKafkaKraftBroker(1, JobTopics.TASK_PARTITIONS);
            embedded.brokerProperty("auto.create.topics.enable", "false");
            embedded.afterPropertiesSet();
            kafka = embedded.getBrokersAsString();
        }
        try {
            JobTopics.ensure(kafka);
            for (int n : workerCounts) {
                runJob(kafka, n, project, inputs, engine, stripSeconds, cores, ffmpegFiles);
            }
        } finally {
            if (embedded != null) {
                embedded.destroy();
            }
        }
        return 0;
    }

    // ---------------------------------------------------------------- the job, end to end

    private void runJob(String kafka, int workers, ObjectNode project, Path inputs, Backend engine, double stripSeconds, int cores,
                        Double ffmpegFiles) throws Exception {
        Path storeDir = dir.resolve("store-" + workers + "-" + System.nanoTime());
        FileStemStore store = new FileStemStore(storeDir);
        Map<String, String> ids = new HashMap<>();
        for (int t = 0; t < tracks; t++) {
            try (InputStream in = Files.newInputStream(inputs.resolve(trackFile(t)))) {
                ids.put(trackFile(t), store.putInput(in));
            }
        }
        List<Process> processes = new ArrayList<>();
        try (JobStates states = new JobStates(kafka, "bench-states").start(); JobPublisher publisher = new JobPublisher(kafka, "bench");
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka))) {
            for (int i = 0; i < workers; i++) {
                processes.add(startWorker(kafka, storeDir, "w" + (i + 1)));
            }
            for (Process p : processes) {
                awaitReady(p);
            }
            // a short job first, so the measured one runs on warm workers (long-lived in production) and the JIT is not measured
            ObjectNode warmUp = project.deepCopy().put("lengthFrames", RATE * Math.min(seconds, 15));
            JobPlan warm = new JobPlanner(store).plan(newJobId(), warmUp, ids, engine);
            publisher.submit(warm);
            states.awaitFinished(warm.jobId(), Duration.ofHours(1))
                    .orElseThrow(() -> new IllegalStateException("the warm-up job did not finish within an hour"));
            Map<Process, Duration> cpuBefore = new HashMap<>();
            for (Process p : processes) {
                cpuBefore.put(p, p.info().totalCpuDuration().orElse(Duration.ZERO));
            }
            Map<String, Integer> tasksBy = new ConcurrentHashMap<>();
            states.listen(e -> {
                if ((e.type() == JobEvent.Type.STEM_DONE || e.type() == JobEvent.Type.MIX_DONE) && e.worker() != null) {
                    tasksBy.merge(e.worker(), 1, Integer::sum);
                }
            });
            JobPlan plan = new JobPlanner(store).plan(newJobId(), project, ids, engine);
            List<String> lag = new ArrayList<>();
            long start = System.nanoTime();
            publisher.submit(plan);
            long nextSample = 0;
            JobState state;
            while (true) {
                state = states.get(plan.jobId()).orElse(null);
                if (state != null && state.finished()) {
                    break;
                }
                long now = System.nanoTime() - start;
                if (now >= nextSample) {
                    lag.add(String.format(Locale.ROOT, "%.0fs:%d", now / 1e9, lag(admin)));
                    nextSample += TimeUnit.SECONDS.toNanos(Math.max(1, seconds / 60));
                }
                Thread.sleep(20);
            }
            double wall = (System.nanoTime() - start) / 1e9;
            if (state.status() != JobState.Status.DONE) {
                throw new IllegalStateException("the job ended " + state.status() + ": " + state.error());
            }
            double cpu = 0;
            StringBuilder shares = new StringBuilder();
            for (int i = 0; i < processes.size(); i++) {
                Process p = processes.get(i);
                double used = (p.info().totalCpuDuration().orElse(Duration.ZERO).minus(cpuBefore.get(p))).toMillis() / 1e3;
                cpu += used;
                shares.append(String.format(Locale.ROOT, " w%d: %d tasks, %.1f s CPU;", i + 1, tasksBy.getOrDefault("w" + (i + 1), 0), used));
            }
            double perCore = stripSeconds / (wall * Math.min(workers, cores));
            System.out.printf(Locale.ROOT, "%d worker%s: job %.2f s wall, %.1f s worker CPU -> %7.0f realtime strips/core by wall (%d core%s), "
                            + "%7.0f by CPU%s%n", workers, workers == 1 ? " " : "s", wall, cpu, perCore, Math.min(workers, cores),
                    Math.min(workers, cores) == 1 ? "" : "s", stripSeconds / cpu,
                    ffmpegFiles == null ? "" : String.format(Locale.ROOT, "; %.2fx ffmpeg", perCore / (stripSeconds / ffmpegFiles)));
            System.out.println("   per worker:" + shares);
            System.out.println("   mix-task lag over time: " + String.join(" ", lag) + " " + String.format(Locale.ROOT, "%.0fs:0", wall));
        } finally {
            for (Process p : processes) {
                p.destroy();
            }
            for (Process p : processes) {
                p.waitFor(30, TimeUnit.SECONDS);
            }
            FileStemStore.deleteTree(storeDir);
        }
    }

    private static String newJobId() {
        byte[] b = new byte[16];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Tasks published to the mix topic and not yet committed by the mix workers' group. */
    private static long lag(Admin admin) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(JobTopics.MIX_GROUP)
                .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < JobTopics.TASK_PARTITIONS; p++) {
            latest.put(new TopicPartition(JobTopics.MIX_TASKS, p), OffsetSpec.latest());
        }
        long lag = 0;
        for (var e : admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS).entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            lag += e.getValue().offset() - (c == null ? 0 : c.offset());
        }
        return lag;
    }

    private static Process startWorker(String kafka, Path store, String name) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), DawgCli.class.getName(), "worker",
                "--bootstrap", kafka, "--store", store.toString(), "--name", name));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static void awaitReady(Process p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = out.readLine()) != null; ) {
            seen.append(line).append('\n');
            if (line.startsWith("dawg worker: ") && line.contains(" ready")) {
                Thread.ofVirtual().start(() -> out.lines().forEach(l -> { }));
                return;
            }
        }
        throw new IllegalStateException("a worker process did not start:\n" + seen);
    }

    // ---------------------------------------------------------------- the comparisons

    /** Seconds for ffmpeg to run every track's filter chain, one after another. */
    private double ffmpeg(Path inputs, boolean writeFiles) throws Exception {
        Path out = Files.createDirectories(dir.resolve("ffmpeg"));
        long start = System.nanoTime();
        for (int t = 0; t < tracks; t++) {
            List<String> command = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-y", "-threads", "1",
                    "-i", inputs.resolve(trackFile(t)).toString(), "-af", ffmpegChain(t)));
            command.addAll(writeFiles ? List.of("-c:a", "pcm_f32le", out.resolve(trackFile(t)).toString()) : List.of("-f", "null", "-"));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("ffmpeg failed: " + said);
            }
        }
        double took = (System.nanoTime() - start) / 1e9;
        FileStemStore.deleteTree(out);
        return took;
    }

    /**
     * The nearest ffmpeg equivalent of track t's strip: low shelf, peaking band, high shelf, a
     * compressor with the strip's threshold and ratio (hard knee, 3 ms attack, 100 ms release),
     * gain and pan.
     */
    String ffmpegChain(int t) {
        Strip s = strip(t);
        return String.format(Locale.ROOT, "lowshelf=f=%d:g=%.1f,equalizer=f=%d:t=q:w=%.2f:g=%.1f,highshelf=f=%d:g=%.1f,"
                        + "acompressor=threshold=%.5f:ratio=%.1f:attack=3:release=100:knee=1,"
                        + "pan=stereo|c0=%.4f*c0|c1=%.4f*c1", s.lowHz, s.lowDb, s.midHz, s.midQ, s.midDb, s.highHz, s.highDb,
                Math.pow(10, s.thresholdDb / 20), s.ratio, s.gain * Math.min(1, 1 - s.pan), s.gain * Math.min(1, 1 + s.pan));
    }

    /** Seconds to decode every input and write every stem and the mix as float WAV, without DSP: what a job must do at least. */
    private double ioAlone(Path inputs) throws Exception {
        Path out = Files.createDirectories(dir.resolve("io"));
        int block = 4096;
        float[] l = new float[block], r = new float[block];
        long start = System.nanoTime();
        for (int pass = 0; pass < 2; pass++) { // the stems read each input once, the mixdown reads them all again
            for (int t = 0; t < tracks; t++) {
                try (WavSource in = WavSource.open(inputs.resolve(trackFile(t)), "t" + t, block);
                     FloatWavWriter w = pass == 0 || t == 0 ? new FloatWavWriter(out.resolve(pass + "-" + t + ".wav"), RATE, block) : null) {
                    for (long at = 0; at < in.frames(); at += block) {
                        int n = (int) Math.min(block, in.frames() - at);
                        in.read(l, r, n);
                        if (w != null) {
                            w.write(l, r, n);
                        }
                    }
                    if (w != null) {
                        w.finish();
                    }
                }
            }
        }
        double took = (System.nanoTime() - start) / 1e9;
        FileStemStore.deleteTree(out);
        return took;
    }

    private double dspAlone(Backend engine) {
        try (MixWorkload w = new MixWorkload(engine, tracks, RATE, 128)) {
            Steady.warmUp(() -> w.measure(0.5).nsPerTrackBlock(), 4, 24);
            return w.measure(3).realtimeStripsPerCore();
        }
    }

    private static boolean ffmpegPresent() {
        try {
            return new ProcessBuilder("ffmpeg", "-version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- the project

    record Strip(int lowHz, double lowDb, int midHz, double midDb, double midQ, int highHz, double highDb, double thresholdDb,
                 double ratio, double gain, double pan) {
    }

    /** Varied but fixed settings per track: every band, the compressor working, gain and pan. */
    static Strip strip(int t) {
        return new Strip(60 + 20 * (t % 5), 2 + t % 4, 300 + 150 * (t % 7), t % 2 == 0 ? -3 : 2.5, 0.7 + 0.1 * (t % 5),
                6000 + 500 * (t % 6), t % 3 - 1.5, -24 + 2 * (t % 6), 2 + t % 4, 0.5 + 0.03 * (t % 8), -0.6 + 1.2 * (t % 5) / 4.0);
    }

    static String trackFile(int t) {
        return String.format(Locale.ROOT, "track-%02d.wav", t + 1);
    }

    private ObjectNode makeProject(Path inputs) throws Exception {
        ObjectNode p = JSON.createObjectNode().put("sampleRate", RATE).put("blockSize", 128);
        ArrayNode list = p.putArray("tracks");
        for (int t = 0; t < tracks; t++) {
            Path f = inputs.resolve(trackFile(t));
            long bytes = (long) RATE * seconds * 6;
            if (!Files.exists(f) || Files.size(f) != bytes + 44) {
                writeInput(f, t);
            }
            Strip s = strip(t);
            ObjectNode strip = list.addObject().put("name", "t" + (t + 1)).<ObjectNode>set("source",
                    JSON.createObjectNode().put("file", trackFile(t))).putObject("strip");
            ObjectNode eq = strip.putObject("eq").put("active", true);
            eq.putObject("low").put("freq", s.lowHz).put("gainDb", s.lowDb);
            eq.putObject("mid").put("freq", s.midHz).put("gainDb", s.midDb).put("q", s.midQ);
            eq.putObject("high").put("freq", s.highHz).put("gainDb", s.highDb);
            strip.putObject("comp").put("active", true).put("thresholdDb", s.thresholdDb).put("ratio", s.ratio);
            strip.put("gain", s.gain).put("pan", s.pan);
        }
        p.putObject("master").putObject("strip").put("gain", 0.25);
        return p;
    }

    /** Music-like test audio: a pulsed saw chord with an envelope per beat, a little noise, different per track. */
    private void writeInput(Path file, int t) throws Exception {
        int frames = RATE * seconds;
        byte[] pcm = new byte[frames * 6];
        double f0 = 55 * Math.pow(2, (t * 5 % 24) / 12.0), beat = RATE * 60.0 / (96 + 4 * t);
        double p1 = 0, p2 = 0, p3 = 0;
        long noise = 0x9E3779B97F4A7C15L * (t + 1);
        for (int i = 0; i < frames; i++) {
            p1 = (p1 + f0 / RATE) % 1;
            p2 = (p2 + f0 * 1.5 / RATE) % 1;
            p3 = (p3 + f0 * 2.02 / RATE) % 1;
            double env = Math.exp(-4 * ((i % beat) / beat));
            noise ^= noise << 13;
            noise ^= noise >>> 7;
            noise ^= noise << 17;
            double n = (noise >>> 11) * 0x1.0p-53 * 2 - 1;
            double l = env * (0.3 * (2 * p1 - 1) + 0.2 * (2 * p2 - 1)) + 0.15 * (2 * p3 - 1) + 0.02 * n;
            double r = env * (0.2 * (2 * p1 - 1) + 0.3 * (2 * p2 - 1)) + 0.15 * (2 * p3 - 1) - 0.02 * n;
            put24(pcm, i * 6, l * 0.8);
            put24(pcm, i * 6 + 3, r * 0.8);
        }
        AudioFormat format = new AudioFormat(RATE, 24, 2, true, false);
        Path temp = file.resolveSibling(file.getFileName() + ".partial");
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(pcm), format, frames)) {
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, temp.toFile());
        }
        Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static void put24(byte[] b, int at, double v) {
        int s = (int) Math.round(Math.max(-1, Math.min(1, v)) * 8388607);
        b[at] = (byte) s;
        b[at + 1] = (byte) (s >> 8);
        b[at + 2] = (byte) (s >> 16);
    }
}
