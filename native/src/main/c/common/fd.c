/* File descriptors: opened close-on-exec so a forked child never inherits a VM. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "axvm.h"

int axvm_open(const char *path) {
    int fd = open(path, O_RDWR | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int axvm_close(int fd) {
    return close(fd) < 0 ? -errno : 0;
}
