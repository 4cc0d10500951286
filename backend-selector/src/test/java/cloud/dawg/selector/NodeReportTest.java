package cloud.dawg.selector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real selector on this machine, its JSON against the documented schema, and its NFD lines. */
class NodeReportTest {
    /** NFD local source: a name (optionally prefixed) and a valid Kubernetes label value. */
    private static final Pattern NFD_LINE = Pattern.compile("^([a-z0-9.-]+/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?=([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$");
    private static NodeReport report;

    @BeforeAll
    static void select() {
        report = BackendSelector.select(Overrides.auto(), Calibration.Mode.QUICK, 40, 0.7);
    }

    static Path repositoryFile(String name) {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.exists(dir.resolve(name))) {
            dir = dir.getParent();
        }
        return dir.resolve(name);
    }

    @Test
    void shouldWriteJsonThatTheDocumentedSchemaAccepts() throws Exception {
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(Files.readString(repositoryFile("docs/node-report.schema.json")));
        JsonNode json = new ObjectMapper().readTree(report.toJsonString());
        Set<ValidationMessage> errors = schema.validate(json);
        assertTrue(errors.isEmpty(), errors.toString());
        assertEquals(6, json.get("calibration").size(), "two engines times three backends");
    }

    @Test
    void shouldChooseATrustedBackendNeverSlowerThanScalarAndCountCapacityFromIt() {
        for (Engine e : Engine.values()) {
            Calibration.Result chosen = report.calibration().stream()
                    .filter(r -> r.engine() == e && r.backend().equals(report.backend(e))).findFirst().orElseThrow();
            Calibration.Result scalar = report.calibration().stream()
                    .filter(r -> r.engine() == e && r.backend().equals("scalar")).findFirst().orElseThrow();
            assertTrue(chosen.trusted());
            assertTrue(chosen.realtimePerCore() >= scalar.realtimePerCore(), e + ": " + chosen + " vs " + scalar);
            assertEquals((long) Math.floor(chosen.realtimePerCore() * report.node().usableCores() * 0.7), report.capacity(e));
        }
    }

    @Test
    void shouldPrintNfdLinesThatParse() {
        assertTrue(report.nfdLines().size() >= 8);
        for (String line : report.nfdLines()) {
            assertTrue(NFD_LINE.matcher(line).matches(), line);
        }
        assertTrue(report.nfdLines().contains("dawg-mix-backend=" + report.backend(Engine.MIX)));
    }

    @Test
    void shouldMakeLabelValuesKubernetesAccepts() {
        assertEquals("vector-api-512bit", NodeReport.label("vector-api-512bit"));
        assertEquals("amd-epyc-9r14", NodeReport.label("AMD EPYC 9R14 "));
        assertEquals(63, NodeReport.label("x".repeat(80)).length());
    }
}
