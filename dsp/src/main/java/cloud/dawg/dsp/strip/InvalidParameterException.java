package cloud.dawg.dsp.strip;

/**
 * A parameter outside its documented range. The message names the field by its path in the
 * project format (for example {@code eq.mid.q}) so that callers can prefix the track.
 */
public final class InvalidParameterException extends IllegalArgumentException {
    private final String field;

    public InvalidParameterException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    /** The field's path, e.g. {@code comp.ratio}. */
    public String field() {
        return field;
    }

    static double requireRange(String field, double value, double min, double max) {
        if (!Double.isFinite(value) || value < min || value > max) {
            throw new InvalidParameterException(field, value + " is outside " + min + ".." + max);
        }
        return value;
    }
}
