package dev.axvm.bench.exit;

import dev.axvm.kvm.Kvm;
import dev.axvm.kvm.KvmVcpu;
import dev.axvm.kvm.KvmVm;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The same position-independent loop guest on the bare KVM binding: placed at the x86 reset
 * vector, where a fresh vCPU starts with no register set, so no architecture code is involved.
 */
final class ResetVectorLoop implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final Kvm kvm = Kvm.open();
    private final KvmVm vm = kvm.createVm();
    final KvmVcpu vcpu;

    ResetVectorLoop(String guest) {
        MemorySegment ram = arena.allocate(0x10000, 4096);
        byte[] code;
        try (InputStream in = ResetVectorLoop.class.getResourceAsStream("/guests/x86_64/" + guest + ".bin")) {
            if (in == null) {
                throw new IllegalStateException("guest " + guest + " is not on the class path");
            }
            code = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (code.length > 16) {
            throw new IllegalStateException(guest + " is " + code.length + " bytes; the reset vector has room for 16");
        }
        MemorySegment.copy(MemorySegment.ofArray(code), 0, ram, 0xfff0, code.length);
        vm.setUserMemoryRegion(0, 0xffff0000L, ram, 0);
        vcpu = vm.createVcpu(0);
        vcpu.bindCurrentThread();
    }

    @Override
    public void close() {
        vm.close();
        kvm.close();
        arena.close();
    }
}
