package cloud.dawg.gateway.routing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Where a session goes: the instances of a service in rendezvous-hashing order for the session id.
 * Every gateway replica computes the same order without talking to the others, and when an
 * instance joins or leaves only the sessions that hash to it move.
 *
 * <p>Targets are {@code host:port} entries, or {@code dns:///name:port} for every address a name
 * resolves to (a Kubernetes headless Service lists one address per pod).
 */
public final class InstanceRouter {
    private final List<String> targets;

    public InstanceRouter(List<String> targets) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("no instances configured");
        }
        this.targets = List.copyOf(targets);
    }

    /** The instances to try for a session, best first. */
    public List<String> candidates(String sessionId) {
        List<String> resolved = resolve();
        resolved.sort(Comparator.comparingLong((String t) -> score(sessionId, t)).reversed());
        return resolved;
    }

    private List<String> resolve() {
        List<String> out = new ArrayList<>();
        for (String target : targets) {
            if (!target.startsWith("dns:///")) {
                out.add(target);
                continue;
            }
            String hostPort = target.substring("dns:///".length());
            int colon = hostPort.lastIndexOf(':');
            String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            String port = colon < 0 ? "" : hostPort.substring(colon);
            try {
                for (InetAddress a : InetAddress.getAllByName(host)) {
                    String address = a.getHostAddress();
                    out.add((address.contains(":") ? "[" + address + "]" : address) + port);
                }
            } catch (UnknownHostException e) {
                // a name that does not resolve now has no instances now
            }
        }
        return out;
    }

    /** A 64-bit hash of session and instance (FNV-1a, then a finalising mix so near keys spread). */
    static long score(String sessionId, String target) {
        long h = 0xcbf29ce484222325L;
        for (byte b : (sessionId + "|" + target).getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
