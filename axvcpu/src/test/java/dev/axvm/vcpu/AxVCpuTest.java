package dev.axvm.vcpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.addrspace.GuestMemory;
import dev.axvm.addrspace.GuestPhysAddr;
import dev.axvm.addrspace.HostPhysAddr;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** AxVisor's vCPU state machine, driven against a scripted architecture vCPU. */
class AxVCpuTest {
    private final ScriptedArchVCpu arch = new ScriptedArchVCpu();
    private final AxVCpu<ScriptedArchVCpu> vcpu = new AxVCpu<>(7, 1, 3, 0b1000, arch);
    private static final VCpuSetupConfig SETUP = new VCpuSetupConfig(EntryMode.DEFAULT, 0, new NoMemory(), 0);

    private void setUp() {
        vcpu.setup(GuestPhysAddr.of(0x8000), HostPhysAddr.of(0x1000), SETUP);
    }

    @Test
    void identityAndAffinityAreKept() {
        assertEquals(7, vcpu.vmId());
        assertEquals(1, vcpu.vcpuId());
        assertEquals(3, vcpu.favorPhysCpu());
        assertEquals(0b1000, vcpu.physCpuSet());
        assertEquals(false, vcpu.isBsp());
        assertTrue(new AxVCpu<>(7, 0, -1, 0, new ScriptedArchVCpu()).isBsp());
        assertSame(arch, vcpu.arch());
    }

    @Test
    void aFullLifecycleWalksCreatedFreeReadyRunningReadyFree() {
        assertEquals(VCpuState.CREATED, vcpu.state());
        setUp();
        assertEquals(VCpuState.FREE, vcpu.state());
        vcpu.bind();
        assertEquals(VCpuState.READY, vcpu.state());
        arch.exits.add(ExitReason.Halt.INSTANCE);
        assertEquals(ExitReason.Halt.INSTANCE, vcpu.run());
        assertEquals(VCpuState.READY, vcpu.state());
        vcpu.block();
        assertEquals(VCpuState.BLOCKED, vcpu.state());
        vcpu.unblock();
        vcpu.unbind();
        assertEquals(VCpuState.FREE, vcpu.state());
        assertEquals(List.of("setEntry GPA 0x8000", "setNestedRoot HPA 0x1000", "setup DEFAULT", "bind", "run", "unbind"),
                arch.calls);
    }

    @Test
    void runBeforeBindIsRefusedAndLeavesTheVcpuInvalid() {
        setUp();
        VCpuStateException e = assertThrows(VCpuStateException.class, vcpu::run);
        assertEquals("vCPU 1 of VM 7: run needs state READY but it is FREE; the vCPU is now Invalid", e.getMessage());
        assertEquals(VCpuState.INVALID, vcpu.state());
        VCpuStateException later = assertThrows(VCpuStateException.class, vcpu::bind);
        assertEquals("vCPU 1 of VM 7: bind refused: the vCPU is Invalid (run called in state FREE)", later.getMessage());
    }

    @Test
    void setupTwiceIsIllegal() {
        setUp();
        assertThrows(VCpuStateException.class, this::setUp);
        assertEquals(VCpuState.INVALID, vcpu.state());
    }

    @Test
    void bindBeforeSetupIsIllegal() {
        assertThrows(VCpuStateException.class, vcpu::bind);
        assertEquals(VCpuState.INVALID, vcpu.state());
    }

    @Test
    void unbindWhileBlockedIsIllegal() {
        setUp();
        vcpu.bind();
        vcpu.block();
        assertThrows(VCpuStateException.class, vcpu::unbind);
        assertEquals(VCpuState.INVALID, vcpu.state());
    }

    @Test
    void aFailingArchitectureCallLeavesTheVcpuInvalidAndNamesTheCause() {
        setUp();
        vcpu.bind();
        arch.failNext = new VCpuException("KVM internal error: emulation failure");
        VCpuStateException e = assertThrows(VCpuStateException.class, () -> vcpu.run(new NoDevices()));
        assertEquals("vCPU 1 of VM 7: run failed: KVM internal error: emulation failure", e.getMessage());
        assertEquals(VCpuState.INVALID, vcpu.state());
        assertThrows(VCpuStateException.class, () -> vcpu.injectInterrupt(3));
    }

    @Test
    void aFailingSetupLeavesTheVcpuInvalid() {
        arch.failNext = new IllegalArgumentException("scratch is not RAM");
        assertThrows(VCpuStateException.class, this::setUp);
        assertEquals(VCpuState.INVALID, vcpu.state());
    }

    @Test
    void runFromAnotherThreadThanTheBoundOneIsRefused() throws InterruptedException {
        setUp();
        vcpu.bind();
        CompletableFuture<ExitReason> other = CompletableFuture.supplyAsync(vcpu::run);
        ExecutionException e = assertThrows(ExecutionException.class, () -> other.get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof VCpuStateException, e.toString());
        assertTrue(e.getCause().getMessage().contains("but the vCPU is bound to"), e.getCause().getMessage());
        assertEquals(VCpuState.READY, vcpu.state(), "a wrong thread is not a transition");
    }

    @Test
    void registersAreReachableInFreeAndReadyButNotBeforeSetup() {
        assertThrows(VCpuStateException.class, () -> vcpu.setGpr(0, 1));
        AxVCpu<ScriptedArchVCpu> fresh = new AxVCpu<>(7, 2, -1, 0, new ScriptedArchVCpu());
        fresh.setup(GuestPhysAddr.of(0), HostPhysAddr.of(0), SETUP);
        fresh.setGpr(3, 42);
        assertEquals(42, fresh.getGpr(3));
        fresh.bind();
        fresh.setReturnValue(5);
        fresh.completeRead(6);
        assertEquals(List.of("setEntry GPA 0x0", "setNestedRoot HPA 0x0", "setup DEFAULT", "setGpr 3", "getGpr 3", "bind",
                "ret 5", "read 6"), fresh.arch().calls);
    }

    @Test
    void interruptsAndKicksComeFromAnyThread() throws Exception {
        setUp();
        vcpu.bind();
        CompletableFuture.runAsync(() -> {
            vcpu.injectInterrupt(0x20);
            vcpu.kick();
        }).get(5, TimeUnit.SECONDS);
        assertTrue(arch.calls.containsAll(List.of("inject 32", "kick")));
    }

    @Test
    void closeReleasesTheArchitectureVcpuOnceAndInvalidates() {
        setUp();
        vcpu.close();
        vcpu.close();
        assertEquals(VCpuState.INVALID, vcpu.state());
        assertEquals(1, arch.calls.stream().filter("close"::equals).count());
        VCpuStateException e = assertThrows(VCpuStateException.class, vcpu::bind);
        assertTrue(e.getMessage().endsWith("(closed)"), e.getMessage());
    }

    private static final class NoMemory implements GuestMemory {
        @Override
        public void read(long gpa, byte[] dst, int offset, int length) {
            throw new UnsupportedOperationException("no memory in this test");
        }

        @Override
        public void write(long gpa, byte[] src, int offset, int length) {
            throw new UnsupportedOperationException("no memory in this test");
        }

        @Override
        public byte readByte(long gpa) {
            throw new UnsupportedOperationException("no memory in this test");
        }

        @Override
        public short readShort(long gpa) {
            throw new UnsupportedOperationException("no memory in this test");
        }

        @Override
        public int readInt(long gpa) {
            throw new UnsupportedOperationException("no memory in this test");
        }

        @Override
        public long readLong(long gpa) {
            throw new UnsupportedOperationException("no memory in this test");
        }

        @Override
        public void writeByte(long gpa, byte value) {
            throw new UnsupportedOperationException("no memory in this test");
        }

        @Override
        public void writeShort(long gpa, short value) {
            throw new UnsupportedOperationException("no memory in this test");
        }

        @Override
        public void writeInt(long gpa, int value) {
            throw new UnsupportedOperationException("no memory in this test");
        }

        @Override
        public void writeLong(long gpa, long value) {
            throw new UnsupportedOperationException("no memory in this test");
        }

        @Override
        public boolean isRam(long gpa, long length) {
            return false;
        }
    }

    private static final class NoDevices implements DeviceAccessHandler {
        @Override
        public long mmioRead(long addr, dev.axvm.addrspace.AccessWidth width) {
            return -1;
        }

        @Override
        public void mmioWrite(long addr, dev.axvm.addrspace.AccessWidth width, long value) {
            // no devices: writes vanish
        }

        @Override
        public long ioRead(int port, dev.axvm.addrspace.AccessWidth width) {
            return -1;
        }

        @Override
        public void ioWrite(int port, dev.axvm.addrspace.AccessWidth width, long value) {
            // no devices: writes vanish
        }

        @Override
        public long sysRegRead(long addr) {
            return 0;
        }

        @Override
        public void sysRegWrite(long addr, long value) {
            // no devices: writes vanish
        }

        @Override
        public boolean nestedPageFault(long addr, dev.axvm.addrspace.MappingFlags access) {
            return false;
        }
    }
}
