/* Event file descriptors: a doorbell KVM rings for a guest write (KVM_IOEVENTFD), waited on by a
 * device's worker thread, which is woken the same way to stop. */
#include <errno.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "axvm.h"

int axvm_eventfd_create(void) {
    int fd = eventfd(0, EFD_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

/* Blocks until the counter is non-zero; returns the count (capped to int) and resets it. */
int axvm_eventfd_wait(int fd) {
    uint64_t count;
    ssize_t n = read(fd, &count, sizeof count);
    if (n < 0) {
        return -errno;
    }
    return count > INT32_MAX ? INT32_MAX : (int)count;
}

int axvm_eventfd_signal(int fd) {
    uint64_t one = 1;
    return write(fd, &one, sizeof one) < 0 ? -errno : 0;
}
