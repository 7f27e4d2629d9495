# Sourced by bin/axvisor and the cross-architecture harness: builds the axvisor app (tests
# skipped) when it was never built or a source is newer than the last build. A stamp file marks
# the build, not the jar: Maven leaves a jar whose contents did not change untouched, so the
# jar's own time would call for a rebuild on every run.
# Needs JAVA_HOME (bin/lib/jdk.sh) and $1 = the project root.
axvm_build_app_if_stale() {
  local root=$1 stamp="$1/axvisor/target/.built"
  if [ ! -f "$stamp" ] || [ ! -f "$root/axvisor/target/axvisor.jar" ] || [ -n "$(cd "$root" && \
       find pom.xml ./*/pom.xml ./*/src native/Makefile native/guests examples -newer "$stamp" -print -quit 2>/dev/null)" ]; then
    echo "axvisor: building the app (first run or changed sources; tests skipped)..." >&2
    (cd "$root" && ./mvnw -q -B -ntp -DskipTests package -pl axvisor -am) >&2 || return 1
    touch "$stamp"
  fi
}
