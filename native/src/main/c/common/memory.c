/*
 * Anonymous host memory for guest RAM: reserved, not committed (MAP_NORESERVE),
 * populated page by page as the guest touches it.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "axvm.h"

int axvm_map_anonymous(size_t size, void **out) {
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return -errno;
    *out = p;
    return 0;
}

int axvm_unmap(void *addr, size_t size) {
    return munmap(addr, size) < 0 ? -errno : 0;
}

/* Gives pages back to the host; anonymous memory reads as zero afterwards. */
int axvm_discard(void *addr, size_t size) {
    return madvise(addr, size, MADV_DONTNEED) < 0 ? -errno : 0;
}

/*
 * Makes [addr, addr + size) show the file's bytes from offset on, copy-on-write:
 * pages come from the page cache as they are touched, writes stay private.
 */
int axvm_map_file_private(void *addr, size_t size, const char *path, uint64_t offset) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    void *p = mmap(addr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, (off_t)offset);
    int err = p == MAP_FAILED ? errno : 0;
    close(fd);
    return -err;
}

/* Makes [addr, addr + size) anonymous again, whatever was mapped there: zero and uncommitted. */
int axvm_remap_anonymous(void *addr, size_t size) {
    void *p = mmap(addr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
    return p == MAP_FAILED ? -errno : 0;
}
