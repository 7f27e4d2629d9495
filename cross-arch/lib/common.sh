# Sourced by bin/cross-arch-test: messages, failure, retries and quoting shared by the other parts.

xa_say() { echo "cross-arch: $*" >&2; }

xa_die() { echo "cross-arch: error: $*" >&2; exit 2; }

# Runs "$@" up to $XA_TRIES times with a growing pause: Debian mirrors are sometimes mid-sync and
# answer with hash mismatches for a minute or two.
xa_retry() {
  local try=1 max=${XA_TRIES:-4}
  while :; do
    "$@" && return 0
    [ "$try" -ge "$max" ] && return 1
    xa_say "failed (try $try of $max): $*; retrying in $((try * 15)) s"
    sleep $((try * 15))
    try=$((try + 1))
  done
}

# Quotes one word for a POSIX shell (busybox ash reads the job script).
xa_shquote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

# A stamp file records what a cached product was made from; a different recipe remakes it.
xa_stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

xa_now() { date +%s.%N; }

xa_elapsed() { awk -v a="$1" -v b="$(xa_now)" 'BEGIN { printf "%.1f", b - a }'; }
