package cloud.dawg.gateway.api;

import cloud.dawg.gateway.jobs.RenderJobs;
import cloud.dawg.jobs.JobPlan;
import cloud.dawg.jobs.JobState;
import cloud.dawg.jobs.Json;
import cloud.dawg.jobs.Loudness;
import cloud.dawg.jobs.StemStore;
import cloud.dawg.render.ProjectException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.codec.multipart.Part;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Render jobs (docs/render-jobs.md): submit a project with its files, follow it, download its
 * stems and mix, cancel it. Job state comes from the event topic, never only from this process.
 */
@RestController
public class RenderJobController {
    private static final String BASE = "/api/render-jobs";
    private static final List<MediaType> JSON_OR_PROBLEM = List.of(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON);

    private final ObjectProvider<RenderJobs> jobs;

    public RenderJobController(ObjectProvider<RenderJobs> jobs) {
        this.jobs = jobs;
    }

    private static ResponseEntity<String> notConfigured(String instance) {
        return Problems.of(503, "Render jobs unavailable", "this gateway has no Kafka configured (dawg.render.bootstrap-servers); "
                + "./dawg up starts an embedded broker", instance);
    }

    /** A multipart submission: a part named {@code project} (the project JSON) and one part per file it references. */
    @PostMapping(path = BASE, consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    public Mono<ResponseEntity<String>> submitMultipart(ServerWebExchange exchange) {
        RenderJobs j = jobs.getIfAvailable();
        if (j == null) {
            return Mono.just(notConfigured(BASE));
        }
        return exchange.getMultipartData().flatMap(parts -> {
            List<Part> project = parts.get("project");
            if (project == null || project.size() != 1) {
                return Mono.just(Problems.of(400, "Invalid render job", "the multipart body needs exactly one part named 'project' "
                        + "(the project JSON) and one part per file it references, named as referenced", BASE));
            }
            return DataBufferUtils.join(project.get(0).content()).map(b -> {
                String text = b.toString(java.nio.charset.StandardCharsets.UTF_8);
                DataBufferUtils.release(b);
                return text;
            }).flatMap(text -> store(j, parts).flatMap(uploaded -> submit(j, text, uploaded)));
        });
    }

    /** A JSON submission: the project alone, its file references being ids of earlier uploads. */
    @PostMapping(path = BASE, consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<String>> submitJson(@RequestBody(required = false) String body) {
        RenderJobs j = jobs.getIfAvailable();
        return j == null ? Mono.just(notConfigured(BASE)) : submit(j, body == null ? "" : body, Map.of());
    }

    /** Stores a file for later jobs; answers its id (the SHA-256 of its bytes). */
    @PostMapping(path = "/api/uploads", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    public Mono<ResponseEntity<String>> upload(@RequestBody Flux<DataBuffer> body) {
        RenderJobs j = jobs.getIfAvailable();
        if (j == null) {
            return Mono.just(notConfigured("/api/uploads"));
        }
        return toTempFile(body).publishOn(Schedulers.boundedElastic()).map(temp -> {
            try (InputStream in = Files.newInputStream(temp)) {
                String id = j.upload(in);
                return ResponseEntity.created(URI.create("/api/uploads/" + id)).contentType(MediaType.APPLICATION_JSON)
                        .body(Json.MAPPER.createObjectNode().put("id", id).toString());
            } catch (IOException e) {
                return Problems.of(500, "Upload failed", e.getMessage(), "/api/uploads");
            } finally {
                deleteQuietly(temp);
            }
        });
    }

    private static Mono<Map<String, String>> store(RenderJobs j, MultiValueMap<String, Part> parts) {
        return Flux.fromIterable(parts.entrySet())
                .filter(e -> !e.getKey().equals("project"))
                .concatMap(e -> Flux.fromIterable(e.getValue()).concatMap(part -> toTempFile(part.content())
                        .publishOn(Schedulers.boundedElastic()).map(temp -> {
                            try (InputStream in = Files.newInputStream(temp)) {
                                return Map.entry(e.getKey(), j.upload(in));
                            } catch (IOException ex) {
                                throw new java.io.UncheckedIOException(ex);
                            } finally {
                                deleteQuietly(temp);
                            }
                        })))
                .collectMap(Map.Entry::getKey, Map.Entry::getValue, HashMap::new)
                .map(m -> (Map<String, String>) m);
    }

    private static Mono<Path> toTempFile(Flux<DataBuffer> content) {
        return Mono.fromCallable(() -> Files.createTempFile("dawg-upload-", ".part")).subscribeOn(Schedulers.boundedElastic())
                .flatMap(temp -> DataBufferUtils.write(content, temp).thenReturn(temp));
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temp file; the OS cleans up
        }
    }

    private static Mono<ResponseEntity<String>> submit(RenderJobs j, String text, Map<String, String> uploaded) {
        return Mono.fromCallable(() -> {
            JsonNode project;
            try {
                project = Json.MAPPER.readTree(text);
            } catch (JsonProcessingException e) {
                return Problems.of(400, "Invalid render job", "the project is not valid JSON: " + e.getOriginalMessage(), BASE);
            }
            try {
                JobState state = j.submit(project, uploaded);
                return ResponseEntity.accepted().location(URI.create(BASE + "/" + state.id())).contentType(MediaType.APPLICATION_JSON)
                        .body(state.toJson(BASE + "/" + state.id()).toString());
            } catch (ProjectException e) {
                return Problems.of(422, "Invalid project", e.getMessage(), BASE);
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }

    @GetMapping(path = BASE + "/{id}", produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
    public ResponseEntity<String> get(@PathVariable String id) {
        RenderJobs j = jobs.getIfAvailable();
        if (j == null) {
            return notConfigured(BASE + "/" + id);
        }
        return j.get(id).map(s -> ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(json(s)))
                .orElseGet(() -> unknown(j, id));
    }

    private static String json(JobState s) {
        synchronized (s) {
            return s.toJson(BASE + "/" + s.id()).toString();
        }
    }

    /**
     * A job this gateway does not know: unknown for good (404), or not read yet because the gateway
     * (re)started and is still folding the event topic (503 with Retry-After), so a client polling
     * across a gateway restart is never told that its job does not exist.
     */
    private static ResponseEntity<String> unknown(RenderJobs j, String id) {
        if (!j.states().caughtUp()) {
            ResponseEntity<String> p = Problems.of(503, "Job state loading", "this gateway is still reading job state from Kafka; "
                    + "retry shortly", BASE + "/" + id);
            return ResponseEntity.status(p.getStatusCode()).headers(p.getHeaders()).header("Retry-After", "1").body(p.getBody());
        }
        return Problems.of(404, "Unknown render job", "no render job " + id, BASE + "/" + id);
    }

    /** Server-sent events: the job's state now, then after every event, until it finishes. */
    @GetMapping(path = BASE + "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public Flux<ServerSentEvent<String>> events(@PathVariable String id) {
        RenderJobs j = jobs.getIfAvailable();
        JobState state = j == null ? null : j.get(id).orElse(null);
        if (state == null) {
            return Flux.just(ServerSentEvent.builder(j == null ? "render jobs are not configured"
                    : j.states().caughtUp() ? "no render job " + id : "this gateway is still reading job state from Kafka; retry shortly")
                    .event("error").build());
        }
        Sinks.Many<ServerSentEvent<String>> sink = Sinks.many().unicast().onBackpressureBuffer();
        Runnable unsubscribe = j.states().listen(e -> {
            if (e.jobId().equals(id)) {
                sink.tryEmitNext(ServerSentEvent.builder(json(state)).event(e.type().name().toLowerCase(java.util.Locale.ROOT)).build());
                if (state.finished()) {
                    sink.tryEmitComplete();
                }
            }
        });
        Flux<ServerSentEvent<String>> now = Flux.just(ServerSentEvent.builder(json(state)).event("state").build());
        return (state.finished() ? now : now.concatWith(sink.asFlux())).doFinally(s -> unsubscribe.run());
    }

    @GetMapping(path = BASE + "/{id}/stems/{name}")
    public ResponseEntity<?> stem(@PathVariable String id, @PathVariable String name) {
        return download(id, name);
    }

    @GetMapping(path = BASE + "/{id}/mix")
    public ResponseEntity<?> mix(@PathVariable String id) {
        return download(id, null);
    }

    private ResponseEntity<?> download(String id, String track) {
        RenderJobs j = jobs.getIfAvailable();
        String instance = BASE + "/" + id + (track == null ? "/mix" : "/stems/" + track);
        if (j == null) {
            return notConfigured(instance);
        }
        JobState state = j.get(id).orElse(null);
        if (state == null || state.plan() == null) {
            return unknown(j, id);
        }
        JobPlan plan = state.plan();
        JobState.Output output;
        Path file;
        if (track == null) {
            output = state.mix();
            file = j.store().path(StemStore.Kind.MIX, plan.mixId());
        } else {
            JobPlan.TrackPlan t = plan.track(track);
            if (t == null) {
                return Problems.of(404, "Unknown stem", "job " + id + " has no track '" + track + "'", instance);
            }
            output = state.stem(track);
            file = j.store().path(StemStore.Kind.STEM, t.stemId());
        }
        if (!output.done() || !Files.exists(file)) {
            return Problems.of(409, "Not rendered yet", (track == null ? "the mix" : "the stem of '" + track + "'")
                    + " is not rendered yet (job state: " + state.status().name().toLowerCase(java.util.Locale.ROOT) + ")", instance);
        }
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok().contentType(MediaType.parseMediaType("audio/wav"))
                .header("Content-Disposition", "attachment; filename=\"" + (track == null ? "mix" : track) + ".wav\"");
        Loudness.Measurement m = output.loudness();
        if (m != null) {
            ok.header("X-Integrated-Loudness-LUFS", Double.toString(m.integratedLufs()))
                    .header("X-True-Peak-dBTP", Double.toString(m.truePeakDbtp()));
        }
        return ok.body(new FileSystemResource(file));
    }

    @DeleteMapping(path = BASE + "/{id}", produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
    public Mono<ResponseEntity<String>> cancel(@PathVariable String id) {
        RenderJobs j = jobs.getIfAvailable();
        if (j == null) {
            return Mono.just(notConfigured(BASE + "/" + id));
        }
        JobState state = j.get(id).orElse(null);
        if (state == null) {
            return Mono.just(unknown(j, id));
        }
        return Mono.fromCallable(() -> {
            if (!state.finished()) {
                j.cancel(id);
            }
            return ResponseEntity.accepted().contentType(MediaType.APPLICATION_JSON).body(json(state));
        }).subscribeOn(Schedulers.boundedElastic());
    }
}
