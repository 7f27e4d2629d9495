package dev.axvm.vcpu.spi;

import java.util.HashSet;
import java.util.Set;
import java.util.function.LongToIntFunction;

/**
 * A vCPU's state as the hypervisor's own register list gives it (KVM_GET_REG_LIST with
 * KVM_GET_ONE_REG, on arm64 and riscv64): every register by the hypervisor's id with its raw
 * value, and the vCPU's run state. The ids are opaque here; the list is the vCPU's own, so a new
 * kernel that lists more registers is saved whole without a change to this library.
 *
 * <p>Encoding (after the backend's version byte): the run state (int), the register count (int),
 * then each register's id (long) and its value as a length-prefixed block, in the hypervisor's
 * order, which is the order they are restored in.
 *
 * @param runState the hypervisor's run state number (KVM_GET_MP_STATE)
 * @param ids the register ids
 * @param values each register's value, {@code values[i]} for {@code ids[i]}
 */
public record RegisterListState(int runState, long[] ids, byte[][] values) {
    /** Checks that every register has a value. */
    public RegisterListState {
        if (ids.length != values.length) {
            throw new IllegalArgumentException(ids.length + " register ids but " + values.length + " values");
        }
    }

    /** The state in encoding {@code version}. */
    public byte[] encode(int version) {
        StateWriter w = new StateWriter(version).putInt(runState).putInt(ids.length);
        for (int i = 0; i < ids.length; i++) {
            w.putLong(ids[i]).putBlock(values[i]);
        }
        return w.toByteArray();
    }

    /**
     * Decodes a state {@link #encode} wrote, from a file: a register the vCPU does not list
     * ({@code known}) or a value of another size than {@code sizeOf} gives is refused naming it
     * and its offset, as is a count above {@code maxRegisters}.
     *
     * @throws IllegalArgumentException naming {@code what}, the field and its byte offset
     */
    public static RegisterListState decode(String what, byte[] state, int version, long[] known,
            LongToIntFunction sizeOf, int maxRegisters) {
        StateReader r = new StateReader(what, state, version);
        int runState = r.getInt("run state");
        int n = r.getCount("register count", maxRegisters);
        Set<Long> has = new HashSet<>();
        for (long id : known) {
            has.add(id);
        }
        long[] ids = new long[n];
        byte[][] values = new byte[n][];
        for (int i = 0; i < n; i++) {
            int at = r.offset();
            ids[i] = r.getLong("register id");
            if (!has.contains(ids[i])) {
                throw r.refused(String.format("register 0x%x (offset %d) is not one this vCPU has", ids[i], at));
            }
            values[i] = r.getBlock(String.format("register 0x%x", ids[i]), sizeOf.applyAsInt(ids[i]));
        }
        r.end();
        return new RegisterListState(runState, ids, values);
    }
}
