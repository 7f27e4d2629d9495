/*
 * The in-guest half of the virtio-blk benchmark (bin/cross-arch-test ARCH --linux-bench): reads
 * the first 64 MiB of a block device sequentially in 1 MiB requests, then 4 KiB at random offsets
 * inside them, both with O_DIRECT so that every read reaches the device, and prints
 *   AXVM-BLK-BENCH seq_mib_s=<MiB/s> rand_iops=<reads/s>
 * Built static with the cross compiler and put into the guest's initramfs. The clock is read with
 * the system call, not the vDSO: under QEMU's riscv64 KVM the vDSO's rdtime traps in user space
 * ("Illegal instruction"; under AxVM it does not).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define SPAN (64L << 20)
#define SEQ_BLOCK (1L << 20)
#define RAND_BLOCK 4096L
#define RAND_READS 4000

static uint64_t now_ns(void) {
    struct timespec t;
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: blkbench DEVICE\n");
        return 2;
    }
    int fd = open(argv[1], O_RDONLY | O_DIRECT);
    void *buf;
    if (fd < 0 || posix_memalign(&buf, 4096, SEQ_BLOCK) != 0) {
        perror(argv[1]);
        return 1;
    }
    uint64_t t0 = now_ns();
    for (long off = 0; off < SPAN; off += SEQ_BLOCK) {
        if (pread(fd, buf, SEQ_BLOCK, off) != SEQ_BLOCK) {
            perror("sequential read");
            return 1;
        }
    }
    uint64_t seq = now_ns() - t0 + 1;
    uint64_t x = 0x9e3779b97f4a7c15ULL; /* xorshift: the same offsets on every run */
    t0 = now_ns();
    for (int i = 0; i < RAND_READS; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        long off = (long) (x % (SPAN / RAND_BLOCK)) * RAND_BLOCK;
        if (pread(fd, buf, RAND_BLOCK, off) != RAND_BLOCK) {
            perror("random read");
            return 1;
        }
    }
    uint64_t rnd = now_ns() - t0 + 1;
    uint64_t tenths = (uint64_t)(SPAN >> 20) * 10u * 1000000000u / seq; /* MiB/s, one decimal */
    uint64_t iops = (uint64_t)RAND_READS * 1000000000u / rnd;
    printf("AXVM-BLK-BENCH seq_mib_s=%llu.%llu rand_iops=%llu\n", (unsigned long long)(tenths / 10),
           (unsigned long long)(tenths % 10), (unsigned long long)iops);
    return 0;
}
