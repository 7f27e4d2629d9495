/* One ioctl convention for the whole shim: the result, or -errno. */
#ifndef AXVM_IOCTL_H
#define AXVM_IOCTL_H

#include <errno.h>
#include <sys/ioctl.h>

static inline int axvm_ioctl(int fd, unsigned long request, unsigned long arg) {
    int r = ioctl(fd, request, arg);
    return r < 0 ? -errno : r;
}

static inline int axvm_ioctl_ptr(int fd, unsigned long request, void *arg) {
    int r = ioctl(fd, request, arg);
    return r < 0 ? -errno : r;
}

#endif
