package cloud.dawg.service;

import cloud.dawg.dsp.backend.BackendChain;
import cloud.dawg.proto.v1.NodeInfo;
import cloud.dawg.selector.BackendSelector;
import cloud.dawg.selector.Engine;
import cloud.dawg.selector.NodeReport;
import org.slf4j.LoggerFactory;

/**
 * What a service runs its engine on, chosen once at start-up by the backend-selector (overrides
 * in {@code dawg.backend*} properties or DAWG_BACKEND* variables), and how much it admits.
 */
public final class SelectedBackend {
    private final NodeReport report;
    private final Engine engine;
    private final long capacity;

    /**
     * @param capacityOverride units to admit instead of the calibrated capacity (0 = calibrated);
     *                         for tests and for operators who measured their own node
     */
    public SelectedBackend(NodeReport report, Engine engine, long capacityOverride) {
        this.report = report;
        this.engine = engine;
        this.capacity = capacityOverride > 0 ? capacityOverride : Math.max(1, report.capacity(engine));
    }

    /** Selects from this node's backends and logs the choice (the first line an operator looks for). */
    public static SelectedBackend select(Engine engine, long capacityOverride) {
        SelectedBackend selected = new SelectedBackend(BackendSelector.selectFromSystem(), engine, capacityOverride);
        LoggerFactory.getLogger(SelectedBackend.class).info("{} backend {} ({}), capacity {} {}, {} usable cores", engine.key(),
                selected.backend(), selected.isa(), selected.capacity(), engine.unit(), selected.usableCores());
        return selected;
    }

    public String backend() { return report.backend(engine); }
    public String isa() { return report.isa(engine); }
    /** Tracks (mix) or voices (synth) this instance admits. */
    public long capacity() { return capacity; }
    /** Cores the instance may use; fractional under a cgroup quota. */
    public double usableCores() { return Math.max(0.1, report.node().usableCores()); }

    /** Worker threads: one per whole usable core, at least one. */
    public int workerThreads() { return Math.max(1, (int) Math.ceil(report.node().usableCores())); }
    public NodeReport report() { return report; }

    public BackendChain chain(BackendChain.Listener listener) {
        return BackendSelector.chain(report, engine, listener);
    }

    public NodeInfo nodeInfo(long inUse, double load) {
        return NodeInfo.newBuilder().setBackend(backend()).setIsa(isa()).setCapacity((int) Math.min(Integer.MAX_VALUE, capacity))
                .setInUse((int) Math.min(Integer.MAX_VALUE, inUse)).setRealtimeLoad(load)
                .setReportJson(report.toJsonString()).build();
    }
}
