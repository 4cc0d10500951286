package cloud.dawg.gateway.api;

import cloud.dawg.gateway.session.LiveSession;
import cloud.dawg.gateway.session.Role;
import cloud.dawg.gateway.session.SessionRegistry;
import cloud.dawg.gateway.session.SessionSpec;
import cloud.dawg.gateway.session.Tokens;
import cloud.dawg.gateway.socket.SessionSocketHandler;
import cloud.dawg.render.ProjectException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/** REST for sessions: create (returns join tokens), read state, end. Described in /openapi.yaml. */
@RestController
@RequestMapping("/api/sessions")
public final class SessionController {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final SessionRegistry registry;
    private final Tokens tokens;

    public SessionController(SessionRegistry registry, Tokens tokens) {
        this.registry = registry;
        this.tokens = tokens;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
    public Mono<ResponseEntity<String>> create(@RequestBody(required = false) String body) {
        SessionSpec spec;
        try {
            JsonNode json = JSON.readTree(body == null ? "" : body);
            spec = SessionSpec.parse(json);
        } catch (JsonProcessingException e) {
            return Mono.just(Problems.of(400, "Invalid session", "the body is not valid JSON: " + e.getOriginalMessage(), "/api/sessions"));
        } catch (ProjectException e) {
            return Mono.just(Problems.of(400, "Invalid session", e.getMessage(), "/api/sessions"));
        }
        return Mono.fromFuture(registry.create(spec)).map(session -> {
            ObjectNode created = JSON.createObjectNode().put("id", session.id())
                    .put("websocket", SessionSocketHandler.PATH + session.id())
                    .put("ownerToken", tokens.issue(session.id(), "owner", Role.OWNER))
                    .put("backend", session.backend()).put("mixInstance", session.mixInstance());
            ArrayNode participants = created.putArray("participants");
            for (Map.Entry<String, Role> p : spec.participants().entrySet()) {
                participants.addObject().put("name", p.getKey()).put("role", p.getValue().wireName())
                        .put("token", tokens.issue(session.id(), p.getKey(), p.getValue()));
            }
            ArrayNode tracks = created.putArray("tracks");
            for (SessionSpec.Track t : spec.tracks()) {
                tracks.addObject().put("id", t.id()).put("name", t.name()).put("owner", t.owner())
                        .put("kind", t.instrument().isPresent() ? "instrument" : "audio");
            }
            return ResponseEntity.created(URI.create("/api/sessions/" + session.id())).contentType(MediaType.APPLICATION_JSON)
                    .body(created.toString());
        }).onErrorResume(SessionRegistry.CreateException.class, e ->
                Mono.just(Problems.of(e.httpStatus(), e.httpStatus() == 400 ? "Invalid session" : "No capacity", e.getMessage(), "/api/sessions")))
                .onErrorResume(java.util.concurrent.CompletionException.class, e -> e.getCause() instanceof SessionRegistry.CreateException c
                        ? Mono.just(Problems.of(c.httpStatus(), c.httpStatus() == 400 ? "Invalid session" : "No capacity", c.getMessage(), "/api/sessions"))
                        : Mono.error(e));
    }

    @GetMapping(path = "/{id}", produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
    public ResponseEntity<String> get(@PathVariable String id, @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String auth) {
        Optional<ResponseEntity<String>> refused = authorise(id, auth, false);
        if (refused.isPresent()) {
            return refused.get();
        }
        LiveSession session = registry.get(id).orElseThrow();
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(session.state().toString());
    }

    @DeleteMapping(path = "/{id}")
    public ResponseEntity<String> end(@PathVariable String id, @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String auth) {
        Optional<ResponseEntity<String>> refused = authorise(id, auth, true);
        if (refused.isPresent()) {
            return refused.get();
        }
        registry.end(id);
        return ResponseEntity.noContent().build();
    }

    private Optional<ResponseEntity<String>> authorise(String id, String auth, boolean ownerOnly) {
        String instance = "/api/sessions/" + id;
        if (auth == null || !auth.startsWith("Bearer ")) {
            return Optional.of(Problems.of(401, "Unauthorized", "send a session token as 'Authorization: Bearer <token>'", instance));
        }
        Tokens.Claims claims;
        try {
            claims = tokens.verify(auth.substring("Bearer ".length()).trim());
        } catch (Tokens.InvalidTokenException e) {
            return Optional.of(Problems.of(401, "Unauthorized", e.getMessage(), instance));
        }
        if (!claims.sessionId().equals(id)) {
            return Optional.of(Problems.of(403, "Forbidden", "the token is for another session", instance));
        }
        if (ownerOnly && claims.role() != Role.OWNER) {
            return Optional.of(Problems.of(403, "Forbidden", "only the owner token can end a session", instance));
        }
        if (registry.get(id).isEmpty()) {
            return Optional.of(Problems.of(404, "Unknown session", "no session " + id + " (unknown or ended)", instance));
        }
        return Optional.empty();
    }
}
