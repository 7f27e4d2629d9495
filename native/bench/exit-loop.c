/*
 * C baseline for bin/bench pio-exit / mmio-exit: the same KVM work as the Java
 * benchmark — one real-mode vCPU running a guest that exits on every loop
 * iteration, each exit decoded and "handled" (the data summed), then resumed.
 *   exit-loop <guest.bin> <pio|mmio> <seconds>
 * Prints "c_pio_exit: N us/op" (or c_mmio_exit).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define RAM_SIZE (640 * 1024)
#define LOAD_ADDR 0x8000

static size_t load_guest(const char *path, uint8_t *ram) {
    FILE *f = fopen(path, "rb");
    if (!f)
        die(path);
    size_t n = fread(ram + LOAD_ADDR, 1, RAM_SIZE - LOAD_ADDR, f);
    fclose(f);
    return n;
}

static void real_mode_entry(int vcpu) {
    struct kvm_sregs s;
    if (ioctl(vcpu, KVM_GET_SREGS, &s) < 0)
        die("KVM_GET_SREGS");
    s.cs.base = 0;
    s.cs.selector = 0;
    if (ioctl(vcpu, KVM_SET_SREGS, &s) < 0)
        die("KVM_SET_SREGS");
    struct kvm_regs r = { .rip = LOAD_ADDR, .rflags = 2 };
    if (ioctl(vcpu, KVM_SET_REGS, &r) < 0)
        die("KVM_SET_REGS");
}

/* One exit: run, check it is the expected kind, consume its data. */
static uint64_t one_exit(int vcpu, struct kvm_run *run, int want) {
    if (ioctl(vcpu, KVM_RUN, 0) < 0)
        die("KVM_RUN");
    if ((int)run->exit_reason != want) {
        fprintf(stderr, "exit-loop: unexpected exit %u\n", run->exit_reason);
        exit(1);
    }
    if (want == KVM_EXIT_IO)
        return *((uint8_t *)run + run->io.data_offset);
    uint64_t v = 0;
    memcpy(&v, run->mmio.data, run->mmio.len);
    return v;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: exit-loop <guest.bin> <pio|mmio> <seconds>\n");
        return 2;
    }
    int pio = strcmp(argv[2], "pio") == 0;
    double seconds = atof(argv[3]);
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0)
        die("/dev/kvm");
    int vm = ioctl(kvm, KVM_CREATE_VM, 0);
    if (vm < 0)
        die("KVM_CREATE_VM");
    if (ioctl(vm, KVM_SET_TSS_ADDR, 0xfffbd000UL) < 0)
        die("KVM_SET_TSS_ADDR");
    uint8_t *ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (ram == MAP_FAILED)
        die("mmap");
    load_guest(argv[1], ram);
    struct kvm_userspace_memory_region slot = { .memory_size = RAM_SIZE, .userspace_addr = (uintptr_t)ram };
    if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot) < 0)
        die("KVM_SET_USER_MEMORY_REGION");
    int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
    if (vcpu < 0)
        die("KVM_CREATE_VCPU");
    int size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    struct kvm_run *run = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    if (run == MAP_FAILED)
        die("mmap run");
    real_mode_entry(vcpu);
    int want = pio ? KVM_EXIT_IO : KVM_EXIT_MMIO;
    uint64_t sum = 0;
    for (int i = 0; i < 20000; i++)
        sum += one_exit(vcpu, run, want);
    long n = 0;
    double start = now(), end;
    do {
        for (int i = 0; i < 1000; i++)
            sum += one_exit(vcpu, run, want);
        n += 1000;
        end = now();
    } while (end - start < seconds);
    printf("c_%s_exit: %.3f us/op\n", pio ? "pio" : "mmio", (end - start) / n * 1e6);
    fprintf(stderr, "exit-loop: %ld exits, checksum %llu\n", n, (unsigned long long)sum);
    return 0;
}
