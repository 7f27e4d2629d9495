/* A terminal's settings, saved and replaced whole: Java decides when a console goes raw. */
#include <errno.h>
#include <termios.h>
#include <unistd.h>

#include "axvm.h"

size_t axvm_term_state_size(void) {
    return sizeof(struct termios);
}

int axvm_term_is_terminal(int fd) {
    return isatty(fd) ? 1 : 0;
}

int axvm_term_save(int fd, void *state) {
    return tcgetattr(fd, (struct termios *)state) < 0 ? -errno : 0;
}

int axvm_term_restore(int fd, const void *state) {
    return tcsetattr(fd, TCSANOW, (const struct termios *)state) < 0 ? -errno : 0;
}

/* cfmakeraw's settings (no echo, no line editing, no signals from keys), with output processing
 * kept on when asked so that the host's own messages still start at column 0. */
int axvm_term_make_raw(void *state, int keep_output_processing) {
    struct termios *t = state;
    tcflag_t oflag = t->c_oflag;
    cfmakeraw(t);
    if (keep_output_processing) {
        t->c_oflag = oflag;
    }
    return 0;
}
