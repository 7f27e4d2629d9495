package dev.axvm.vcpu.arm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.vcpu.arm.internal.SmcccCall;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The aarch64 machine's numbers and decodings, without KVM. */
class ArmPlatformTest {

    @Test
    void mpidrsFollowKvmsSixteenVcpusPerCluster() {
        assertEquals(0x8000_0000L, ArmPlatform.mpidrOf(0));
        assertEquals(0x8000_0001L, ArmPlatform.mpidrOf(1));
        assertEquals(0x8000_000fL, ArmPlatform.mpidrOf(15));
        assertEquals(0x8000_0100L, ArmPlatform.mpidrOf(16));
        assertEquals(0x8000_f20aL, ArmPlatform.mpidrOf(0xf2a));
        assertEquals(0x8001_0000L, ArmPlatform.mpidrOf(0x1000));
        assertThrows(IllegalArgumentException.class, () -> ArmPlatform.mpidrOf(-1));
        assertThrows(IllegalArgumentException.class, () -> ArmPlatform.mpidrOf(1 << 20));
    }

    @Test
    void everyVcpuIndexHasItsOwnAffinity() {
        long seed = Long.getLong("axvm.seed", System.nanoTime());
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 2000; i++) {
            int index = random.nextInt(1 << 20);
            long mpidr = ArmPlatform.mpidrOf(index);
            assertEquals(1L << 31, mpidr & 0xff00_0000L, "seed " + seed + ": only bit 31 above Aff2 for index " + index);
            assertEquals(index & 0xf, mpidr & 0xff, "seed " + seed + ": Aff0 of index " + index);
            assertEquals(index, (int) ((mpidr >> 16 & 0xff) << 12 | (mpidr >> 8 & 0xff) << 4 | (mpidr & 0xf)),
                    "seed " + seed + ": the index comes back from the affinity of " + Long.toHexString(mpidr));
        }
        assertEquals(ArmPlatform.affinity(0xff_8000_0203L), 0xff_0000_0203L, "bits 31 and 24..30 are not affinity");
    }

    @Test
    void qemuVirtLayoutHoldsOneHundredTwentyThreeVcpusAndTwoHundredTwentyFourSpis() {
        ArmVmLayout l = ArmVmLayout.QEMU_VIRT;
        assertEquals(123, l.maxVcpus());
        assertEquals(224, l.spiCount());
        assertTrue(l.isDoorbell(ArmPlatform.HYPERCALL_DOORBELL));
        assertTrue(l.isDoorbell(ArmPlatform.HYPERCALL_DOORBELL + 0xfff));
        assertFalse(l.isDoorbell(ArmPlatform.HYPERCALL_DOORBELL + 0x1000));
        assertFalse(l.isDoorbell(ArmPlatform.HYPERCALL_DOORBELL - 1));
        assertFalse(l.isDoorbell(-1));
    }

    @Test
    void badLayoutsAreRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ArmVmLayout(0x0800_1000L, ArmPlatform.GICR_BASE, ArmPlatform.GICR_END, 256, ArmPlatform.HYPERCALL_DOORBELL));
        assertTrue(e.getMessage().contains("64 KiB aligned"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new ArmVmLayout(ArmPlatform.GICD_BASE, ArmPlatform.GICR_BASE, ArmPlatform.GICR_END, 100, ArmPlatform.HYPERCALL_DOORBELL));
        assertTrue(e.getMessage().contains("multiple of 32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new ArmVmLayout(ArmPlatform.GICD_BASE, ArmPlatform.GICR_BASE, ArmPlatform.GICR_END, 256, ArmPlatform.GICR_BASE));
        assertTrue(e.getMessage().contains("must not overlap"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new ArmVmLayout(ArmPlatform.GICD_BASE, ArmPlatform.GICR_BASE, ArmPlatform.GICR_BASE + 0x1000, 256,
                        ArmPlatform.HYPERCALL_DOORBELL));
        assertTrue(e.getMessage().contains("holds no redistributor"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new ArmVmLayout(ArmPlatform.GICD_BASE, ArmPlatform.GICR_BASE, ArmPlatform.GICR_END, 256, 0x0b00_0800L));
        assertTrue(e.getMessage().contains("4 KiB aligned"), e.getMessage());
    }

    @Test
    void forwardedSmcccCallsAreToldApartByFunctionId() {
        assertEquals(SmcccCall.CPU_ON, SmcccCall.of(0xc400_0003L));
        assertEquals(SmcccCall.CPU_ON, SmcccCall.of(0x8400_0003L));
        assertEquals(SmcccCall.CPU_OFF, SmcccCall.of(0x8400_0002L));
        assertEquals(SmcccCall.HYPERCALL, SmcccCall.of(0));
        assertEquals(SmcccCall.HYPERCALL, SmcccCall.of(0x42));
        assertEquals(SmcccCall.HYPERCALL, SmcccCall.of(0xffff));
        assertEquals(SmcccCall.OTHER, SmcccCall.of(0x1_0000));
        assertEquals(SmcccCall.OTHER, SmcccCall.of(0x8400_0008L), "SYSTEM_OFF stays KVM's");
        assertEquals(SmcccCall.HYPERCALL, SmcccCall.of(0xffff_ffff_0000_0042L), "KVM passes the low 32 bits of x0");
    }

    @Test
    void registerNumbersMatchTheShimsEnum() {
        assertEquals(48, ArmRegister.count(), "AXVM_ARM64_REG_COUNT");
        assertEquals(0, ArmRegister.X0.number());
        assertEquals(30, ArmRegister.X30.number());
        assertEquals(31, ArmRegister.SP_EL0.number());
        assertEquals(32, ArmRegister.PC.number());
        assertEquals(33, ArmRegister.PSTATE.number());
        assertEquals(37, ArmRegister.MPIDR_EL1.number());
        assertEquals(47, ArmRegister.TPIDR_EL1.number());
        assertEquals(ArmRegister.X17, ArmRegister.x(17));
        assertThrows(IllegalArgumentException.class, () -> ArmRegister.x(31));
    }
}
