# Sourced by bin/cross-arch-test: turns what came back from one guest run into per-scenario
# verdicts. A scenario is either a line "AXVM-SCENARIO PASS|FAIL <name> <detail>" that the
# program printed — or "AXVM-SCENARIO PASS|FAIL <arch> <name>: <detail>", the form of `axvisor
# selftest`, whose <arch> must be the guest's — or a test case of a JUnit XML report in out/junit/. Whatever prevents a run
# from reporting (time-out, no exit status, a non-zero exit without a failed scenario, no
# scenario at all) counts as one failed scenario of its own, so that it can never pass silently.

XA_PASSED=0
XA_FAILED=0

xa_verdict() { # $1 PASS|FAIL, $2 arch, $3 name, $4 detail
  echo "$1 $2 $3: $4"
  if [ "$1" = PASS ]; then XA_PASSED=$((XA_PASSED + 1)); else XA_FAILED=$((XA_FAILED + 1)); fi
}

xa_collect() { # $1 arch, $2 out dir, $3 console log, $4 QEMU status, $5 time limit
  local arch=$1 out=$2 log=$3 rc=$4 limit=$5
  local source="$out/output.txt" lines verdict name detail fails=0 count=0
  [ -s "$source" ] || source="$log" # the console carries the same lines when the share failed
  if [ -d "$out/junit" ]; then
    lines=$(xa_junit_lines "$out/junit" 2>&1) || lines="FAIL junit-reports unreadable: ${lines//$'\n'/ }"
  else
    lines=$(tr -d '\r' < "$source" | sed -n 's/^.*AXVM-SCENARIO \(PASS\|FAIL\) /\1 /p')
  fi
  while read -r verdict name detail; do
    [ -n "$verdict" ] || continue
    case "$name" in
      x86_64|aarch64|riscv64) # the arch-qualified form: "<arch> <name>: <detail>"
        local said=$name
        name=${detail%%[[:space:]]*}
        detail=${detail#"$name"}
        detail=${detail#"${detail%%[![:space:]]*}"}
        name=${name%:}
        if [ "$said" != "$arch" ]; then
          verdict=FAIL
          detail="reported for $said, but the guest is $arch: $detail"
        fi
        ;;
    esac
    xa_verdict "$verdict" "$arch" "$name" "$detail"
    count=$((count + 1))
    [ "$verdict" = FAIL ] && fails=$((fails + 1))
  done <<< "$lines"

  local status=""
  [ -f "$out/exit-code" ] && status=$(tr -dc '0-9' < "$out/exit-code")
  if [ -n "$XA_EXPECT" ] && [ -n "$status" ]; then # a program that reports no scenarios: one of its own
    if [ "$status" -eq 0 ] && tr -d '\r' < "$source" | grep -qxF -- "$XA_EXPECT"; then
      xa_verdict PASS "$arch" example "\"$XA_EXPECT\" arrived and the app exited 0"
    else
      xa_verdict FAIL "$arch" example "expected \"$XA_EXPECT\" and exit status 0, got status $status; output tail: $(xa_tail "$source")"
      fails=$((fails + 1))
    fi
    count=$((count + 1))
  fi
  if [ "$rc" -eq "$XA_STALLED" ]; then
    xa_verdict FAIL "$arch" guest "the emulated machine stalled on the retry too ($XA_STALL_DETAIL); console tail: $(xa_tail "$log")"
  elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    xa_verdict FAIL "$arch" guest "no end within the ${limit} s limit: QEMU killed; console tail: $(xa_tail "$log")"
  elif [ -z "$status" ]; then
    xa_verdict FAIL "$arch" guest "the job left no exit status (QEMU status $rc); console tail: $(xa_tail "$log")"
  elif [ "$status" -ne 0 ] && [ "$fails" -eq 0 ]; then
    xa_verdict FAIL "$arch" jvm "java exited with status $status; output tail: $(xa_tail "$source")"
  elif [ "$count" -eq 0 ]; then
    xa_verdict FAIL "$arch" scenarios "java exited with status $status but reported no scenario; output tail: $(xa_tail "$source")"
  fi
}

xa_tail() { tail -n 6 "$1" 2>/dev/null | tr -d '\r' | tr '\n' '|' | cut -c1-600; }

# One "PASS|FAIL name detail" line per test case of the JUnit XML reports in $1.
xa_junit_lines() {
  command -v python3 >/dev/null || { echo "reading JUnit XML reports needs python3"; return 1; }
  python3 - "$1" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
for f in sorted(glob.glob(sys.argv[1] + '/*.xml')):
    root = ET.parse(f).getroot()
    for case in root.iter('testcase'):
        name = (case.get('classname', '') + '.' + case.get('name', '')).replace(' ', '_')
        bad = case.find('failure')
        if bad is None:
            bad = case.find('error')
        if case.find('skipped') is not None:
            continue
        if bad is None:
            print('PASS', name, '(%s s)' % case.get('time', '?'))
        else:
            msg = (bad.get('message') or bad.get('type') or 'failed').replace('\n', ' ')[:400]
            print('FAIL', name, msg)
PY
}
