/*
 * C baseline for bin/bench vm-lifecycle: the KVM calls AxVM makes to create a
 * 1-vCPU, 64 MiB x86 VM, run it to its first exit (a HLT), and tear it down —
 * open /dev/kvm, create the VM, TSS and identity-map addresses, reserve RAM,
 * one memory slot, load the image, create the vCPU, map its run area, CPUID
 * (KVM's supported set read once per process),
 * real-mode registers, KVM_RUN, then unmap and close everything.
 *   vm-lifecycle <guest.bin> <seconds>     prints "c_vm_lifecycle: N us/op"
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

#define RAM_SIZE (64UL << 20)
#define LOAD_ADDR 0x8000
#define MAX_CPUID 256

static int ioctl_or_die(int fd, unsigned long req, void *arg, const char *what) {
    int r = ioctl(fd, req, arg);
    if (r < 0)
        die(what);
    return r;
}

/* What KVM supports is a host property: read once per process, as the Java side does. */
static struct kvm_cpuid2 *supported;

static void set_cpuid(int kvm, int vcpu) {
    if (!supported) {
        supported = calloc(1, sizeof *supported + MAX_CPUID * sizeof(struct kvm_cpuid_entry2));
        supported->nent = MAX_CPUID;
        ioctl_or_die(kvm, KVM_GET_SUPPORTED_CPUID, supported, "KVM_GET_SUPPORTED_CPUID");
    }
    ioctl_or_die(vcpu, KVM_SET_CPUID2, supported, "KVM_SET_CPUID2");
}

static void real_mode(int vcpu) {
    struct kvm_sregs s;
    ioctl_or_die(vcpu, KVM_GET_SREGS, &s, "KVM_GET_SREGS");
    s.cs.base = 0;
    s.cs.selector = 0;
    ioctl_or_die(vcpu, KVM_SET_SREGS, &s, "KVM_SET_SREGS");
    struct kvm_regs r = { .rip = LOAD_ADDR, .rflags = 2 };
    ioctl_or_die(vcpu, KVM_SET_REGS, &r, "KVM_SET_REGS");
}

static void one_vm(const uint8_t *image, size_t image_size) {
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0)
        die("/dev/kvm");
    int vm = ioctl(kvm, KVM_CREATE_VM, 0);
    if (vm < 0)
        die("KVM_CREATE_VM");
    if (ioctl(vm, KVM_SET_TSS_ADDR, 0xfffbd000UL) < 0)
        die("KVM_SET_TSS_ADDR");
    uint64_t identity = 0xfffbc000UL;
    ioctl_or_die(vm, KVM_SET_IDENTITY_MAP_ADDR, &identity, "KVM_SET_IDENTITY_MAP_ADDR");
    uint8_t *ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (ram == MAP_FAILED)
        die("mmap");
    memcpy(ram + LOAD_ADDR, image, image_size);
    struct kvm_userspace_memory_region slot = { .memory_size = RAM_SIZE, .userspace_addr = (uintptr_t)ram };
    ioctl_or_die(vm, KVM_SET_USER_MEMORY_REGION, &slot, "KVM_SET_USER_MEMORY_REGION");
    int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
    if (vcpu < 0)
        die("KVM_CREATE_VCPU");
    int size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    struct kvm_run *run = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    if (run == MAP_FAILED)
        die("mmap run");
    set_cpuid(kvm, vcpu);
    real_mode(vcpu);
    ioctl_or_die(vcpu, KVM_RUN, 0, "KVM_RUN");
    if (run->exit_reason != KVM_EXIT_HLT) {
        fprintf(stderr, "vm-lifecycle: first exit %u, expected HLT\n", run->exit_reason);
        exit(1);
    }
    munmap(run, (size_t)size);
    close(vcpu);
    munmap(ram, RAM_SIZE);
    close(vm);
    close(kvm);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: vm-lifecycle <guest.bin> <seconds>\n");
        return 2;
    }
    uint8_t image[4096];
    FILE *f = fopen(argv[1], "rb");
    if (!f)
        die(argv[1]);
    size_t n = fread(image, 1, sizeof image, f);
    fclose(f);
    double seconds = atof(argv[2]);
    for (int i = 0; i < 50; i++)
        one_vm(image, n);
    long count = 0;
    double start = now(), end;
    do {
        one_vm(image, n);
        count++;
        end = now();
    } while (end - start < seconds);
    printf("c_vm_lifecycle: %.1f us/op\n", (end - start) / count * 1e6);
    return 0;
}
