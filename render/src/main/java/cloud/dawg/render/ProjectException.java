package cloud.dawg.render;

/** A project that cannot be rendered: the message names the track and field (or file) at fault. */
public final class ProjectException extends Exception {
    public ProjectException(String message) {
        super(message);
    }

    public ProjectException(String message, Throwable cause) {
        super(message, cause);
    }
}
