/* What Java checks before trusting the shim, and errno names for messages. */
#include <string.h>

#include "axvm.h"

int axvm_abi_version(void) { return AXVM_ABI_VERSION; }

int axvm_exit_words(void) { return AXVM_X_WORDS; }

const char *axvm_errno_name(int err) {
    const char *name = strerrorname_np(err);
    return name ? name : "E?";
}

const char *axvm_errno_text(int err) {
    const char *text = strerrordesc_np(err);
    return text ? text : "unknown error";
}
