package cloud.dawg.gateway.api;

import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.yaml.snakeyaml.Yaml;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The served OpenAPI document parses, and documents every REST endpoint the controllers map. */
class OpenApiDocumentTest {
    @Test
    @SuppressWarnings("unchecked")
    void shouldDocumentEveryMappedEndpointInAValidDocument() throws Exception {
        Map<String, Object> doc;
        try (InputStream in = getClass().getResourceAsStream("/static/openapi.yaml")) {
            assertNotNull(in, "static/openapi.yaml is on the classpath");
            doc = new Yaml().load(in);
        }
        assertEquals("3.1.0", doc.get("openapi"));
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) doc.get("paths");
        List<String> mapped = new ArrayList<>();
        for (Class<?> controller : List.of(SessionController.class, RenderJobController.class)) {
            RequestMapping base = controller.getAnnotation(RequestMapping.class);
            String prefix = base == null ? "" : base.value()[0];
            for (Method m : controller.getDeclaredMethods()) {
                String[] get = m.isAnnotationPresent(GetMapping.class) ? m.getAnnotation(GetMapping.class).path() : null;
                String[] post = m.isAnnotationPresent(PostMapping.class) ? m.getAnnotation(PostMapping.class).path() : null;
                String[] delete = m.isAnnotationPresent(DeleteMapping.class) ? m.getAnnotation(DeleteMapping.class).path() : null;
                for (String[] p : new String[][]{get, post, delete}) {
                    if (p != null) {
                        String verb = p == get ? "get" : p == post ? "post" : "delete";
                        for (String relative : p.length == 0 ? new String[]{""} : p) {
                            String path = prefix + relative;
                            mapped.add(verb + " " + path);
                            // the document names path variables as the controllers do, except {name} of a stem: {track}
                            Map<String, Object> item = paths.get(path.replace("{name}", "{track}"));
                            assertNotNull(item, path + " is documented");
                            assertTrue(item.containsKey(verb), verb + " " + path + " is documented");
                        }
                    }
                }
            }
        }
        assertTrue(mapped.size() >= 10, "the controllers were read: " + mapped);
    }
}
