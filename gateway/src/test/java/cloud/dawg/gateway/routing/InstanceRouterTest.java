package cloud.dawg.gateway.routing;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InstanceRouterTest {
    private static final List<String> FOUR = List.of("a:1", "b:1", "c:1", "d:1");

    @Test
    void shouldOrderInstancesTheSameWayForTheSameSession() {
        assertEquals(new InstanceRouter(FOUR).candidates("s42"), new InstanceRouter(List.of("d:1", "c:1", "b:1", "a:1")).candidates("s42"));
    }

    @Test
    void shouldSpreadSessionsOverInstances() {
        Map<String, Integer> first = new HashMap<>();
        InstanceRouter router = new InstanceRouter(FOUR);
        for (int s = 0; s < 4000; s++) {
            first.merge(router.candidates("session-" + s).get(0), 1, Integer::sum);
        }
        for (String instance : FOUR) {
            assertTrue(first.get(instance) > 800 && first.get(instance) < 1200, instance + " got " + first.get(instance));
        }
    }

    @Test
    void shouldMoveOnlyTheSessionsOfARemovedInstance() {
        InstanceRouter before = new InstanceRouter(FOUR);
        List<String> three = new ArrayList<>(FOUR);
        three.remove("c:1");
        InstanceRouter after = new InstanceRouter(three);
        for (int s = 0; s < 1000; s++) {
            String id = "session-" + s;
            String was = before.candidates(id).get(0);
            if (!was.equals("c:1")) {
                assertEquals(was, after.candidates(id).get(0), id + " moved although its instance stayed");
            } else {
                assertEquals(before.candidates(id).get(1), after.candidates(id).get(0), id + " went to its second choice");
            }
        }
    }

    @Test
    void shouldResolveADnsTargetToEveryAddress() {
        List<String> resolved = new InstanceRouter(List.of("dns:///localhost:9091")).candidates("s");
        assertTrue(!resolved.isEmpty() && resolved.stream().allMatch(t -> t.endsWith(":9091")), resolved.toString());
    }
}
