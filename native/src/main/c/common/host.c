/* Facts about the calling thread that a host HAL reports. */
#include <errno.h>
#include <sched.h>

#include "axvm.h"

int axvm_current_cpu(void) {
    int cpu = sched_getcpu();
    return cpu < 0 ? -errno : cpu;
}
