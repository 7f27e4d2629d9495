package dev.axvm.kvm;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Places an assembled test guest at the x86 reset vector (0xfffffff0), where a new vCPU starts
 * with no register set up: one 64 KiB slot at the top of the 4 GiB space.
 */
final class ResetVectorGuest {
    static final long SLOT_GPA = 0xffff0000L;
    static final long SLOT_SIZE = 0x10000;
    static final long RESET_OFFSET = 0xfff0;

    private ResetVectorGuest() {}

    static byte[] image(String name) {
        try (InputStream in = ResetVectorGuest.class.getResourceAsStream("/guests/x86_64/" + name + ".bin")) {
            assertNotNull(in, "guest " + name + " was not assembled");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static MemorySegment install(Arena arena, KvmVm vm, String name) {
        byte[] code = image(name);
        MemorySegment ram = arena.allocate(SLOT_SIZE, 4096);
        MemorySegment.copy(MemorySegment.ofArray(code), 0, ram, RESET_OFFSET, code.length);
        vm.setUserMemoryRegion(0, SLOT_GPA, ram, 0);
        return ram;
    }
}
