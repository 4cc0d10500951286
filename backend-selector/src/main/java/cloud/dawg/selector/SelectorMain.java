package cloud.dawg.selector;

/**
 * Prints the node report as JSON (or NFD lines with {@code --nfd}); exit 2 when the selection
 * cannot be made. {@code dawg probe} is the same with a friendlier surface; this entry point
 * lets tests start a JVM with exactly the modules and classpath they want.
 */
public final class SelectorMain {
    private SelectorMain() {
    }

    public static void main(String[] args) {
        try {
            NodeReport report = BackendSelector.selectFromSystem();
            if (args.length > 0 && args[0].equals("--nfd")) {
                report.nfdLines().forEach(System.out::println);
            } else {
                System.out.println(report.toJsonString());
            }
        } catch (Policy.SelectionException | IllegalArgumentException e) {
            System.err.println("dawg probe: " + e.getMessage());
            System.exit(2);
        }
    }
}
