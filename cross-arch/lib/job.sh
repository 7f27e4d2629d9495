# Sourced by bin/cross-arch-test: what the guest runs. The host stages the jars into the job share
# and writes job.sh, which the guest's init sources: it runs java inside the Debian root (chroot),
# copies its output to the console and to out/output.txt, and leaves java's exit status in
# out/exit-code.

XA_SMOKE_MAIN=dev.axvm.crossarch.KvmSmokeScenarios
XA_JUNIT_MAIN=org.junit.platform.console.ConsoleLauncher
XA_APP_MAIN=dev.axvm.axvisor.Main
XA_JOB_FILES=() # more files for the job, "source=path in the job"
XA_EXPECT=""    # a line the program must print (for programs that report no scenarios)
XA_WRAPPER=()   # a command the java command line is handed to as its last arguments (--linux)

# Sets XA_RUN_JARS to the axvisor app: axvisor/target/axvisor.jar and its libraries in lib/ (the
# shims for every architecture, the three backends, the scenario guests). Builds it, as bin/axvisor
# does, when it is missing or older than the sources; then checks that it carries the shim and the
# scenario guests for architecture $1, which need that architecture's cross compiler.
xa_app_jars() { # $1 arch
  local arch=$1 app="$XA_ROOT/axvisor/target/axvisor.jar" lib="$XA_ROOT/axvisor/target/lib" cross
  . "$XA_ROOT/bin/lib/app.sh"
  axvm_build_app_if_stale "$XA_ROOT" || xa_die "axvisor build failed"
  cross=gcc-$arch-linux-gnu
  "$JAVA_HOME/bin/jar" --list --file "$lib/native.jar" | grep -qx "META-INF/native/linux-$arch/libaxvm.so" \
    || xa_die "$lib/native.jar has no META-INF/native/linux-$arch/libaxvm.so: install $cross and rebuild the app (touch native/Makefile)"
  "$JAVA_HOME/bin/jar" --list --file "$lib/native-guests.jar" | grep -qx "guests/$arch/scenario-console.bin" \
    || xa_die "$lib/native-guests.jar has no guests/$arch/scenario-*.bin: install $cross and rebuild the app (touch native/Makefile)"
  XA_RUN_JARS=("$app" "$lib"/*.jar)
}

# The example VM of architecture $1 (examples/hello-$1.toml and its guest, built with the app):
# sets XA_JOB_FILES to stage them under examples/ in the job, and XA_EXPECT to the greeting that
# must reach the console.
xa_example() { # $1 arch
  local arch=$1 toml="$XA_ROOT/examples/hello-$1.toml" bin="$XA_ROOT/examples/target/hello-$1.bin"
  [ -f "$toml" ] || xa_die "no example for $arch: $toml is missing"
  [ -f "$bin" ] || xa_die "$bin is missing: install gcc-$arch-linux-gnu and rebuild the app (touch examples/Makefile)"
  XA_JOB_FILES=("$toml=examples/hello-$arch.toml" "$bin=examples/target/hello-$arch.bin")
  XA_EXPECT="Hello from a real $arch guest on KVM, driven by Java!"
}

# Sets XA_RUN_JARS to the native jar (built when missing), slf4j-api and the compiled smoke
# scenarios. (Globals, not output: a failure in a command substitution would not stop the run.)
xa_smoke_jars() { # $1 arch
  local arch=$1 native="$XA_ROOT/native/target/native-0.1.0-SNAPSHOT.jar" cross
  if [ ! -f "$native" ]; then
    xa_say "building the native module (its jar carries the aarch64 and riscv64 shims)"
    (cd "$XA_ROOT" && ./mvnw -q -B -ntp -DskipTests package -pl native) >&2 || xa_die "native build failed"
  fi
  cross=gcc-$arch-linux-gnu
  "$JAVA_HOME/bin/jar" --list --file "$native" | grep -qx "META-INF/native/linux-$arch/libaxvm.so" \
    || xa_die "$native has no META-INF/native/linux-$arch/libaxvm.so: install $cross and rebuild it (bin/test -q -pl native)"
  local v slf4j
  v=$(sed -n 's:.*<slf4j.version>\(.*\)</slf4j.version>.*:\1:p' "$XA_ROOT/pom.xml" | head -n1)
  [ -n "$v" ] || xa_die "cannot read slf4j.version from $XA_ROOT/pom.xml"
  slf4j="$HOME/.m2/repository/org/slf4j/slf4j-api/$v/slf4j-api-$v.jar"
  [ -f "$slf4j" ] || xa_maven_get "org.slf4j:slf4j-api:$v" "$slf4j"
  xa_smoke_runner_jar "$native" "$slf4j"
  XA_RUN_JARS=("$native" "$slf4j" "$XA_RUNNER_JAR")
}

# Compiles cross-arch/scenarios/*.java on the host (javac --release 25) when they or the jars
# they use changed; sets XA_RUNNER_JAR.
xa_smoke_runner_jar() { # $1.. class path
  local jar="$XA_CACHE/runner/axvm-cross-arch-scenarios.jar" src="$XA_HOME/scenarios"
  if [ ! -f "$jar" ] || [ -n "$(find "$src" "$1" -newer "$jar" -print -quit)" ]; then
    local classes="$XA_CACHE/runner/classes"
    rm -rf "$classes" && mkdir -p "$classes"
    "$JAVA_HOME/bin/javac" --release 25 -Xlint:all -Werror -d "$classes" -cp "$(IFS=:; echo "$*")" \
      "$src"/*.java >&2 || xa_die "cannot compile $src"
    "$JAVA_HOME/bin/jar" --create --file "$jar.new" -C "$classes" . || xa_die "cannot write $jar"
    mv "$jar.new" "$jar"
  fi
  XA_RUNNER_JAR=$jar
}

# Sets XA_JUNIT_JAR to the JUnit Platform console launcher (from Maven Central, cached), in the
# version that goes with the project's JUnit.
xa_junit_jar() {
  local v jar
  v=$(sed -n 's:.*<junit.version>5\.\(.*\)</junit.version>.*:1.\1:p' "$XA_ROOT/pom.xml" | head -n1)
  [ -n "$v" ] || xa_die "cannot read junit.version (5.x) from $XA_ROOT/pom.xml"
  jar="$XA_CACHE/junit/junit-platform-console-standalone-$v.jar"
  [ -f "$jar" ] || xa_maven_get "org.junit.platform:junit-platform-console-standalone:$v" "$jar"
  XA_JUNIT_JAR=$jar
}

xa_maven_get() { # $1 groupId:artifactId:version, $2 where the jar must end up
  local dir; dir=$(dirname "$2")
  mkdir -p "$dir"
  xa_say "fetching $1 from Maven Central"
  (cd "$XA_ROOT" && xa_retry ./mvnw -q -B -ntp -N \
     org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy -Dartifact="$1" -DoutputDirectory="$dir") >&2 \
    || xa_die "cannot fetch $1"
  [ -f "$2" ] || xa_die "fetched $1 but $2 is missing"
}

# Stages the jars (one per argument) into $1 and writes $1/job.sh for architecture $2.
# Uses XA_MAIN, XA_JVM_OPTIONS (array) and XA_PROGRAM_ARGS (array).
xa_write_job() {
  local job=$1 arch=$2; shift 2
  rm -rf "$job" && mkdir -p "$job"
  local jar base cp=""
  for jar in "$@"; do
    [ -f "$jar" ] || xa_die "no such jar: $jar"
    base=$(basename "$jar")
    [ -e "$job/$base" ] && xa_die "two jars named $base on the class path"
    cp -p "$jar" "$job/$base"
    cp="${cp:+$cp:}/mnt/job/$base"
  done
  local pair
  for pair in "${XA_JOB_FILES[@]}"; do # "source=path in the job"
    mkdir -p "$(dirname "$job/${pair#*=}")"
    cp -p "${pair%%=*}" "$job/${pair#*=}"
  done
  local java="/usr/lib/jvm/java-25-openjdk-$XA_DEBARCH/bin/java" words="" w
  for w in "${XA_WRAPPER[@]}" "$java" "${XA_JVM_OPTIONS[@]}" -cp "$cp" "$XA_MAIN" "${XA_PROGRAM_ARGS[@]}"; do
    words="$words $(xa_shquote "$w")"
  done
  cat > "$job/job.sh" <<EOF
# Written by bin/cross-arch-test for $arch; sourced by the guest's init (busybox sh).
( HOME=/tmp PATH=/usr/bin:/bin chroot /newroot$words
  echo \$? > /newroot/mnt/out/exit-code ) 2>&1 | tee /newroot/mnt/out/output.txt
EOF
}
