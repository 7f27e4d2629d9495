package dev.axvm.device;

/**
 * One change of an interrupt line that {@link RecordingInterruptSink} saw.
 *
 * @param line the line's number
 * @param level the new level (true = asserted)
 */
public record LineChange(int line, boolean level) {
    @Override
    public String toString() {
        return "line " + line + (level ? " high" : " low");
    }
}
