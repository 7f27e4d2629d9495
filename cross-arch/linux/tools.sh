# Sourced by scenarios.sh and bench.sh inside the emulated machine: busybox's applets on PATH
# (the Debian root has no procps or coreutils extras the scripts can rely on) and the app as one
# command, "axvisor ARGS", built from the JVM command line the harness passed after "--".
#
#   tools=DIR; . tools.sh   (with the positional parameters JAVA [JVM options] -cp CLASSPATH
#                            dev.axvm.axvisor.Main, as the caller received them after "--")
/usr/bin/busybox mkdir -p "$tools/bin"
/usr/bin/busybox --install -s "$tools/bin"
export PATH="$tools/bin:/usr/bin:/bin"
{
  printf 'exec'
  for w in "$@"; do printf " '%s'" "$(printf '%s' "$w" | sed "s/'/'\\\\''/g")"; done
  printf ' "$@"\n'
} > "$tools/bin/axvisor"
chmod 755 "$tools/bin/axvisor"
