package dev.axvm.device.irq;

/**
 * One output change that {@link RecordingExternalInterruptTarget} saw.
 *
 * @param hart the hart
 * @param mode the hart's context
 * @param asserted the new level
 */
public record ExternalInterruptChange(int hart, PrivilegeMode mode, boolean asserted) {
    @Override
    public String toString() {
        return "hart " + hart + " " + mode + (asserted ? " asserted" : " deasserted");
    }
}
