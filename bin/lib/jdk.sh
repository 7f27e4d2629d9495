# Sourced by the launchers in bin/: finds a JDK >= 25 and exports JAVA_HOME.
# Order: $JAVA_HOME when it is new enough, else the newest JDK >= 25 under /usr/lib/jvm.
# Stops with one line when there is none, saying what is missing and where to get it.

axvm_jdk_major() { # $1 = a JDK home; prints its feature version, or nothing
  local release="$1/release" v
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  if [ -r "$release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release")
  else
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
  fi
  printf '%s' "$v"
}

axvm_find_jdk() {
  local min=25 best="" best_v=0 d v
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(axvm_jdk_major "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge "$min" ]; then export JAVA_HOME; return 0; fi
  fi
  for d in /usr/lib/jvm/*; do
    [ -d "$d" ] && [ ! -L "$d" ] || continue
    v=$(axvm_jdk_major "$d")
    if [ -n "$v" ] && [ "$v" -ge "$min" ] && [ "$v" -gt "$best_v" ]; then best="$d"; best_v="$v"; fi
  done
  if [ -z "$best" ]; then
    echo "axvm: needs a JDK $min or newer, found none (JAVA_HOME=${JAVA_HOME:-unset}, /usr/lib/jvm); install one, e.g. 'apt install openjdk-25-jdk' or https://adoptium.net, or point JAVA_HOME at it" >&2
    exit 1
  fi
  export JAVA_HOME="$best"
}
