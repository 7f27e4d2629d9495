/*
 * C baseline for bin/bench pio-exit / mmio-exit: the same KVM work as the Java benchmarks.
 *   exit-loop <guest.bin> <pio|mmio> <seconds> [<batch-guest.bin> <devices>]
 * First one real-mode vCPU running a guest that exits on every loop iteration, each exit decoded
 * and "handled" (the data summed), then resumed: prints "c_pio_exit: N us/op" (or c_mmio_exit).
 * With a batch guest (device accesses in batches of 1000, each batch ended by an OUT to port 0xe5,
 * AxVM's hypercall port), a second VM does what a VM's exit path does per access: find the device
 * that owns the address among <devices> sorted ranges (binary search) and call its handler through
 * a pointer; the batch's end is an exit returned to the caller. Prints "c_pio_exit_vm: N us/op".
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
#define BATCH 1000
#define HYPERCALL_PORT 0xe5
#define MAX_DEVICES 1024

struct machine {
    int vcpu;
    struct kvm_run *run;
};

/* One device: the range it owns and its handler, as a VM's device table has them. */
struct device {
    uint64_t start, end;
    void (*write)(struct device *, uint64_t addr, uint64_t value);
    uint64_t sum;
};

static struct device devices[MAX_DEVICES];
static int device_count;

static void count_write(struct device *d, uint64_t addr, uint64_t value) {
    d->sum += value + (addr & 1);
}

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

static struct machine start_guest(int kvm, const char *guest) {
    int vm = ioctl(kvm, KVM_CREATE_VM, 0);
    if (vm < 0)
        die("KVM_CREATE_VM");
    if (ioctl(vm, KVM_SET_TSS_ADDR, 0xfffbd000UL) < 0)
        die("KVM_SET_TSS_ADDR");
    uint8_t *ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (ram == MAP_FAILED)
        die("mmap");
    load_guest(guest, ram);
    struct kvm_userspace_memory_region slot = { .memory_size = RAM_SIZE, .userspace_addr = (uintptr_t)ram };
    if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot) < 0)
        die("KVM_SET_USER_MEMORY_REGION");
    struct machine m;
    m.vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
    if (m.vcpu < 0)
        die("KVM_CREATE_VCPU");
    int size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    m.run = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, m.vcpu, 0);
    if (m.run == MAP_FAILED)
        die("mmap run");
    real_mode_entry(m.vcpu);
    return m;
}

/* One exit: run, check it is the expected kind, consume its data. */
static uint64_t one_exit(struct machine *m, int want) {
    if (ioctl(m->vcpu, KVM_RUN, 0) < 0)
        die("KVM_RUN");
    struct kvm_run *run = m->run;
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

static struct device *find_device(uint64_t addr) {
    int lo = 0, hi = device_count - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (addr < devices[mid].start)
            hi = mid - 1;
        else if (addr > devices[mid].end)
            lo = mid + 1;
        else
            return &devices[mid];
    }
    return NULL;
}

/* Device ranges around the accessed address, sorted: the target is one of `count`. */
static void set_up_devices(int count, uint64_t target) {
    if (count < 1 || count > MAX_DEVICES) {
        fprintf(stderr, "exit-loop: devices must be 1..%d\n", MAX_DEVICES);
        exit(2);
    }
    device_count = count;
    uint64_t first = target - (uint64_t)(count / 2) * 16;
    for (int i = 0; i < count; i++)
        devices[i] = (struct device){ .start = first + i * 16, .end = first + i * 16 + 7, .write = count_write };
}

/* A batch: device accesses dispatched until the hypercall port's exit ends it, as runVcpu does. */
static long one_batch(struct machine *m, int pio) {
    long served = 0;
    for (;;) {
        if (ioctl(m->vcpu, KVM_RUN, 0) < 0)
            die("KVM_RUN");
        struct kvm_run *run = m->run;
        uint64_t addr, value = 0;
        if (run->exit_reason == KVM_EXIT_IO && run->io.port == HYPERCALL_PORT)
            return served;
        if (pio && run->exit_reason == KVM_EXIT_IO) {
            addr = run->io.port;
            value = *((uint8_t *)run + run->io.data_offset);
        } else if (!pio && run->exit_reason == KVM_EXIT_MMIO) {
            addr = run->mmio.phys_addr;
            memcpy(&value, run->mmio.data, run->mmio.len);
        } else {
            fprintf(stderr, "exit-loop: unexpected exit %u\n", run->exit_reason);
            exit(1);
        }
        struct device *d = find_device(addr);
        if (!d) {
            fprintf(stderr, "exit-loop: no device at 0x%llx\n", (unsigned long long)addr);
            exit(1);
        }
        d->write(d, addr, value);
        served++;
    }
}

static void bare_loop(int kvm, const char *guest, int pio, double seconds) {
    struct machine m = start_guest(kvm, guest);
    int want = pio ? KVM_EXIT_IO : KVM_EXIT_MMIO;
    uint64_t sum = 0;
    for (int i = 0; i < 20000; i++)
        sum += one_exit(&m, want);
    long n = 0;
    double start = now(), end;
    do {
        for (int i = 0; i < 1000; i++)
            sum += one_exit(&m, want);
        n += 1000;
        end = now();
    } while (end - start < seconds);
    printf("c_%s_exit: %.3f us/op\n", pio ? "pio" : "mmio", (end - start) / n * 1e6);
    fprintf(stderr, "exit-loop: %ld exits, checksum %llu\n", n, (unsigned long long)sum);
}

static void dispatch_loop(int kvm, const char *guest, int pio, double seconds, int count) {
    set_up_devices(count, pio ? 0x80 : 0xd0000);
    struct machine m = start_guest(kvm, guest);
    for (int i = 0; i < 20; i++)
        one_batch(&m, pio);
    long n = 0;
    double start = now(), end;
    do {
        n += one_batch(&m, pio);
        end = now();
    } while (end - start < seconds);
    printf("c_%s_exit_vm: %.3f us/op\n", pio ? "pio" : "mmio", (end - start) / n * 1e6);
    fprintf(stderr, "exit-loop: %ld dispatched exits among %d devices\n", n, count);
}

int main(int argc, char **argv) {
    if (argc != 4 && argc != 6) {
        fprintf(stderr, "usage: exit-loop <guest.bin> <pio|mmio> <seconds> [<batch-guest.bin> <devices>]\n");
        return 2;
    }
    int pio = strcmp(argv[2], "pio") == 0;
    double seconds = atof(argv[3]);
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0)
        die("/dev/kvm");
    bare_loop(kvm, argv[1], pio, seconds);
    if (argc == 6)
        dispatch_loop(kvm, argv[4], pio, seconds, atoi(argv[5]));
    return 0;
}
