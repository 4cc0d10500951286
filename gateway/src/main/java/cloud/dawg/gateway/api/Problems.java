package cloud.dawg.gateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** RFC 9457 problem details: every REST error names what is wrong. */
final class Problems {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Problems() {
    }

    static ResponseEntity<String> of(int status, String title, String detail, String instance) {
        ObjectNode body = JSON.createObjectNode()
                .put("type", "https://dawg.cloud/problems/" + title.toLowerCase().replace(' ', '-'))
                .put("title", title).put("status", status).put("detail", detail).put("instance", instance);
        return ResponseEntity.status(HttpStatus.valueOf(status)).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body.toString());
    }
}
