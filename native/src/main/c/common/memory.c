/*
 * Anonymous host memory for guest RAM: reserved, not committed (MAP_NORESERVE),
 * populated page by page as the guest touches it.
 */
#include <errno.h>
#include <sys/mman.h>

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
