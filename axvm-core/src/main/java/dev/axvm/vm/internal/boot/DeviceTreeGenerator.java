package dev.axvm.vm.internal.boot;

import dev.axvm.addrspace.GuestPhysAddrRange;
import dev.axvm.config.MemoryRegion;
import dev.axvm.device.MmioDevice;
import dev.axvm.device.irq.Plic;
import dev.axvm.device.uart.Pl011;
import dev.axvm.device.virtio.VirtioMmioDevice;
import dev.axvm.device.uart.Uart16550MmioDevice;
import dev.axvm.vcpu.spi.PlatformFacts;
import dev.axvm.vm.VmBuildException;
import dev.axvm.vm.fdt.Fdt;
import dev.axvm.vm.fdt.FdtNode;
import java.util.List;
import java.util.Optional;

/**
 * The device tree of an aarch64 or riscv64 VM, made from the VM itself: its RAM regions, one
 * {@code cpu} node per vCPU with the id the hypervisor gave it (MPIDR, hart id), the interrupt
 * controller the hypervisor or the VM provides (vGICv3; the user-space PLIC), the arch timer and
 * PSCI on aarch64, the console UART (PL011, 16550) with its interrupt, and {@code /chosen} with the
 * command line, the console and the initial ramdisk. What only the hypervisor knows (the GIC's
 * place, the RISC-V ISA string, MMU type and timer frequency) comes as {@link PlatformFacts}.
 * The tree follows what the stock kernels' drivers read and what QEMU's {@code virt} machine,
 * Firecracker and kvmtool emit (shared/notes/linux-guests).
 */
public final class DeviceTreeGenerator {
    private static final int GIC_PHANDLE = 1;
    private static final int CLOCK_PHANDLE = 2;
    private static final int PLIC_PHANDLE = 3;
    private static final int FIRST_INTC_PHANDLE = 16;
    private static final int GIC_SPI = 0;
    private static final int GIC_PPI = 1;
    private static final int IRQ_LEVEL_HIGH = 4;
    private static final int FIRST_SPI = 32;
    private static final long APB_CLOCK = 24_000_000;
    private static final long UART_CLOCK = 3_686_400;

    /**
     * What the tree describes.
     *
     * @param arch aarch64 or riscv64
     * @param memory the RAM regions
     * @param cpuIds each vCPU's architectural id, by vCPU index
     * @param facts the hypervisor's facts
     * @param devices the VM's MMIO devices
     * @param plic the user-space PLIC (riscv64 without AIA), if the VM has one
     * @param cmdline the kernel command line
     * @param initrd the initial ramdisk's place, if any
     */
    public record Inputs(String arch, List<MemoryRegion> memory, long[] cpuIds, PlatformFacts facts,
            List<MmioDevice> devices, Optional<Plic> plic, String cmdline, Optional<GuestPhysAddrRange> initrd) {}

    private DeviceTreeGenerator() {}

    /** Whether VMs of {@code arch} are described by a device tree (aarch64, riscv64; x86 uses ACPI). */
    public static boolean describes(String arch) {
        return arch.equals("aarch64") || arch.equals("riscv64");
    }

    /**
     * The tree for {@code in}.
     *
     * @throws VmBuildException when the VM lacks what the tree must describe (an interrupt controller)
     */
    public static Fdt generate(Inputs in) {
        FdtNode root = FdtNode.root().string("compatible", "linux,dummy-virt").cells("#address-cells", 2)
                .cells("#size-cells", 2);
        return switch (in.arch()) {
            case "aarch64" -> aarch64(root, in);
            case "riscv64" -> riscv64(root, in);
            default -> throw new IllegalArgumentException("no device tree for " + in.arch() + " (x86 uses ACPI)");
        };
    }

    private static Fdt aarch64(FdtNode root, Inputs in) {
        // Without the vGIC (interrupt_mode = "no_irq") the tree says so by what it lacks: no
        // interrupt controller, no timer (its interrupts are the GIC's PPIs), a UART without an interrupt.
        Optional<PlatformFacts.Arm> gic = in.facts() instanceof PlatformFacts.Arm a ? Optional.of(a) : Optional.empty();
        gic.ifPresent(g -> root.cells("interrupt-parent", GIC_PHANDLE));
        Optional<Pl011> console = in.devices().stream().filter(Pl011.class::isInstance).map(Pl011.class::cast).findFirst();
        chosen(root, in, console.map(u -> "/pl011@" + hex(u.addressRange().start())));
        memory(root, in);
        FdtNode cpus = root.addChild("cpus").cells("#address-cells", 1).cells("#size-cells", 0);
        for (int i = 0; i < in.cpuIds().length; i++) {
            long affinity = in.cpuIds()[i] & 0xff_ffffL; // MPIDR's Aff2..Aff0; bit 31 is RES1, not part of the id
            cpus.addChild("cpu@" + hex(affinity)).string("device_type", "cpu").string("compatible", "arm,arm-v8")
                    .string("enable-method", "psci").cells("reg", affinity);
        }
        root.addChild("psci").strings("compatible", "arm,psci-1.0", "arm,psci-0.2").string("method", "hvc");
        gic.ifPresent(g -> gicAndTimer(root, g, in.cpuIds().length));
        root.addChild("apb-pclk").string("compatible", "fixed-clock").cells("#clock-cells", 0)
                .cells("clock-frequency", APB_CLOCK).string("clock-output-names", "clk24mhz").cells("phandle", CLOCK_PHANDLE);
        if (console.isPresent()) {
            Pl011 u = console.get();
            GuestPhysAddrRange r = u.addressRange();
            FdtNode uart = root.addChild("pl011@" + hex(r.start())).strings("compatible", "arm,pl011", "arm,primecell")
                    .cells("reg", hi(r.start()), lo(r.start()), hi(r.size()), lo(r.size()));
            if (gic.isPresent()) {
                int intid = u.interruptLine().number();
                if (intid < FIRST_SPI || intid >= gic.get().interrupts()) {
                    throw new VmBuildException("the PL011's interrupt " + intid + " is not an SPI of the vGIC (32.."
                            + (gic.get().interrupts() - 1) + ")");
                }
                uart.cells("interrupts", GIC_SPI, intid - FIRST_SPI, IRQ_LEVEL_HIGH);
            }
            uart.cells("clocks", CLOCK_PHANDLE, CLOCK_PHANDLE).strings("clock-names", "uartclk", "apb_pclk");
        }
        for (VirtioMmioDevice v : virtioDevices(in)) {
            int intid = v.interruptLine().number();
            if (gic.isPresent() && (intid < FIRST_SPI || intid >= gic.get().interrupts())) {
                throw new VmBuildException(v + ": interrupt " + intid + " is not an SPI of the vGIC (32.."
                        + (gic.get().interrupts() - 1) + ")");
            }
            FdtNode node = virtioNode(root, v).flag("dma-coherent");
            if (gic.isPresent()) {
                node.cells("interrupts", GIC_SPI, intid - FIRST_SPI, IRQ_LEVEL_HIGH);
            }
        }
        return new Fdt(root);
    }

    private static void gicAndTimer(FdtNode root, PlatformFacts.Arm gic, int vcpus) {
        root.addChild("timer").string("compatible", "arm,armv8-timer").flag("always-on")
                .cells("interrupts", GIC_PPI, 13, IRQ_LEVEL_HIGH, GIC_PPI, 14, IRQ_LEVEL_HIGH,
                        GIC_PPI, 11, IRQ_LEVEL_HIGH, GIC_PPI, 10, IRQ_LEVEL_HIGH);
        long redistributors = gic.gicRedistributorStride() * vcpus;
        root.addChild("intc@" + hex(gic.gicDistributor())).string("compatible", "arm,gic-v3").cells("#interrupt-cells", 3)
                .cells("#address-cells", 0).flag("interrupt-controller").cells("reg", hi(gic.gicDistributor()),
                        lo(gic.gicDistributor()), hi(gic.gicDistributorSize()), lo(gic.gicDistributorSize()),
                        hi(gic.gicRedistributors()), lo(gic.gicRedistributors()), hi(redistributors), lo(redistributors))
                .cells("phandle", GIC_PHANDLE);
    }

    private static Fdt riscv64(FdtNode root, Inputs in) {
        if (!(in.facts() instanceof PlatformFacts.Riscv hart)) {
            throw new VmBuildException("a riscv64 device tree needs the vCPUs' ISA from KVM, which this backend did not give");
        }
        Optional<Uart16550MmioDevice> console = in.devices().stream().filter(Uart16550MmioDevice.class::isInstance)
                .map(Uart16550MmioDevice.class::cast).findFirst();
        chosen(root, in, console.map(u -> "/soc/serial@" + hex(u.addressRange().start())));
        memory(root, in);
        FdtNode cpus = root.addChild("cpus").cells("#address-cells", 1).cells("#size-cells", 0)
                .cells("timebase-frequency", hart.timebaseFrequency());
        for (int i = 0; i < in.cpuIds().length; i++) {
            FdtNode cpu = cpus.addChild("cpu@" + hex(in.cpuIds()[i])).string("device_type", "cpu")
                    .string("compatible", "riscv").cells("reg", in.cpuIds()[i]).string("status", "okay")
                    .string("riscv,isa", hart.isa());
            if (!hart.mmuType().isEmpty()) {
                cpu.string("mmu-type", hart.mmuType());
            }
            cpu.addChild("interrupt-controller").string("compatible", "riscv,cpu-intc").cells("#interrupt-cells", 1)
                    .cells("#address-cells", 0).flag("interrupt-controller").cells("phandle", FIRST_INTC_PHANDLE + i);
        }
        FdtNode soc = root.addChild("soc").string("compatible", "simple-bus").cells("#address-cells", 2)
                .cells("#size-cells", 2).flag("ranges");
        if (in.plic().isPresent()) {
            Plic plic = in.plic().get();
            GuestPhysAddrRange r = plic.addressRange();
            long[] contexts = new long[2 * plic.contexts()];
            for (int c = 0; c < plic.contexts(); c++) {
                contexts[2 * c] = FIRST_INTC_PHANDLE + c / 2;
                contexts[2 * c + 1] = c % 2 == 0 ? 0xffff_ffffL : 9; // M-mode contexts: none; S-mode: the external interrupt
            }
            soc.addChild("plic@" + hex(r.start())).strings("compatible", "sifive,plic-1.0.0", "riscv,plic0")
                    .cells("reg", hi(r.start()), lo(r.start()), hi(r.size()), lo(r.size())).cells("#interrupt-cells", 1)
                    .cells("#address-cells", 0).flag("interrupt-controller").cells("riscv,ndev", plic.sources() - 1)
                    .cells("interrupts-extended", contexts).cells("phandle", PLIC_PHANDLE);
        }
        if (console.isPresent()) {
            Uart16550MmioDevice u = console.get();
            GuestPhysAddrRange r = u.addressRange();
            FdtNode serial = soc.addChild("serial@" + hex(r.start())).string("compatible", "ns16550a")
                    .cells("reg", hi(r.start()), lo(r.start()), hi(r.size()), lo(r.size()))
                    .cells("clock-frequency", UART_CLOCK);
            if (u.regShift() != 0) {
                serial.cells("reg-shift", u.regShift());
            }
            if (in.plic().isPresent()) {
                serial.cells("interrupt-parent", PLIC_PHANDLE).cells("interrupts", u.uart().interruptLine().number());
            }
        }
        for (VirtioMmioDevice v : virtioDevices(in)) {
            FdtNode node = virtioNode(soc, v);
            if (in.plic().isPresent()) {
                node.cells("interrupt-parent", PLIC_PHANDLE).cells("interrupts", v.interruptLine().number());
            }
        }
        return new Fdt(root);
    }

    /** The virtio-mmio transports, in address order (Linux numbers vda, vdb… in probe order). */
    private static List<VirtioMmioDevice> virtioDevices(Inputs in) {
        return in.devices().stream().filter(VirtioMmioDevice.class::isInstance).map(VirtioMmioDevice.class::cast)
                .sorted(java.util.Comparator.comparingLong(v -> v.addressRange().start() ^ Long.MIN_VALUE)).toList();
    }

    private static FdtNode virtioNode(FdtNode parent, VirtioMmioDevice v) {
        GuestPhysAddrRange r = v.addressRange();
        return parent.addChild("virtio_mmio@" + hex(r.start())).string("compatible", "virtio,mmio")
                .cells("reg", hi(r.start()), lo(r.start()), hi(r.size()), lo(r.size()));
    }

    private static void chosen(FdtNode root, Inputs in, Optional<String> stdout) {
        FdtNode chosen = root.addChild("chosen").string("bootargs", in.cmdline());
        stdout.ifPresent(path -> chosen.string("stdout-path", path));
        in.initrd().ifPresent(r -> chosen.u64("linux,initrd-start", r.start()).u64("linux,initrd-end", r.start() + r.size()));
    }

    private static void memory(FdtNode root, Inputs in) {
        for (MemoryRegion m : in.memory()) {
            root.addChild("memory@" + hex(m.gpa())).string("device_type", "memory")
                    .cells("reg", hi(m.gpa()), lo(m.gpa()), hi(m.size()), lo(m.size()));
        }
    }

    private static String hex(long v) {
        return Long.toHexString(v);
    }

    private static long hi(long v) {
        return v >>> 32;
    }

    private static long lo(long v) {
        return v & 0xffff_ffffL;
    }
}
