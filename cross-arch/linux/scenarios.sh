# The Linux scenarios (bin/cross-arch-test <arch> --linux), run by busybox sh inside the emulated
# machine. Each boots the stock Debian kernel that the emulated machine itself runs, with the
# initramfs of cross-arch/linux/init, through `axvisor run`, and prints one
# "AXVM-SCENARIO PASS|FAIL <name> <detail>" line. Every run's console, stderr and device trees
# stay in /mnt/out/linux/ for the host to read.
#
#   busybox sh scenarios.sh ARCH JOB_DIR -- JAVA [JVM options] -cp CLASSPATH dev.axvm.axvisor.Main
#
# JOB_DIR holds Image, initramfs.cpio.gz, the configs the harness made from AxVisor's own Linux
# config (boot.toml: the config itself; smp.toml, shell.toml, panic.toml: variants) and
# examples/hello-ARCH.toml with its guest.
set -u
arch=$1 dir=$2
shift 3
tools=/tmp/linux-scenarios
. "$dir/tools.sh"
out=/mnt/out/linux
mkdir -p "$out"
limit=300 # seconds for one VM: a Linux boot nested under emulation takes 30-60 s
wait_limit=$((limit + 30))

pass() { echo "AXVM-SCENARIO PASS $1 $2"; }
fail() { echo "AXVM-SCENARIO FAIL $1 $2"; }
now() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
tail_of() { tail -n 4 "$1" 2>/dev/null | tr -d '\r' | tr '\n' '|' | cut -c1-400; }
count() { tr -d '\r' < "$1" 2>/dev/null | grep -c "$2"; }

# start NAME CONFIG [run options]: the VM runs in the background, its console in $out/NAME.log,
# its stderr in $out/NAME.err, its exit status in $out/NAME.rc when it ends; `keys` writes to
# its console input.
start() {
  launch run "$@"
}
# resume NAME SNAPSHOT [restore options]: the same for a VM brought back by `axvisor restore`.
resume() {
  launch restore "$@"
}
launch() {
  command=$1 name=$2 target=$3
  shift 3
  log=$out/$name.log
  rm -f "$log" "$out/$name.err" "$out/$name.rc" "$tools/$name.in"
  mkfifo "$tools/$name.in"
  started=$(now)
  ( axvisor "$command" --timeout "$limit" "$@" "$target" < "$tools/$name.in" > "$log" 2> "$out/$name.err"
    echo $? > "$out/$name.rc" ) &
  exec 3> "$tools/$name.in"
}
keys() { printf '%s\n' "$1" >&3; }
# finish: ends the console input and waits for the VM; sets rc.
finish() {
  exec 3>&-
  wait
  rc=$(cat "$out/$name.rc" 2>/dev/null || echo none)
}
# await PATTERN [N]: waits until the console showed PATTERN N times (default 1); false when the
# VM ended first or the wait ran out.
await() {
  deadline=$(awk -v a="$(now)" -v l="$wait_limit" 'BEGIN { print int(a + l) }')
  while [ "$(count "$log" "$1")" -lt "${2:-1}" ]; do
    [ -f "$out/$name.rc" ] && return 1
    [ "$(awk -v a="$(now)" 'BEGIN { print int(a) }')" -ge "$deadline" ] && return 1
    sleep 1
  done
}
marker() { tr -d '\r' < "$log" | grep "AXVM-LINUX-INIT" | sed -n "${1:-1}p"; }
# why: the exit status, the app's messages (its config warnings and notes left out) and the console's last lines.
why() {
  grep -v '^warning: \|^note: ' "$out/$name.err" > "$tools/$name.msg" 2>/dev/null
  echo "exit status ${rc:-running}; stderr: $(tail_of "$tools/$name.msg"); console: $(tail_of "$log")"
}

# dtb CONFIG NAME: writes the VM's generated tree and decompiles it; true when dtc had nothing to say.
dtb() {
  axvisor dtb "$1" -o "$out/$2.dtb" 2> "$out/$2.dtb.err" || { dtb_problem="axvisor dtb failed: $(tail_of "$out/$2.dtb.err")"; return 1; }
  dtc -I dtb -O dts -o "$out/$2.dts" "$out/$2.dtb" 2> "$out/$2.dtc.err" || { dtb_problem="dtc failed: $(tail_of "$out/$2.dtc.err")"; return 1; }
  [ -s "$out/$2.dtc.err" ] && { dtb_problem="dtc warned: $(tail_of "$out/$2.dtc.err")"; return 1; }
  return 0
}

# acpi CONFIG NAME: writes the VM's ACPI tables (x86_64); true when all five are there.
acpi() {
  rm -rf "$out/$2.acpi"
  axvisor acpi "$1" -o "$out/$2.acpi" 2> "$out/$2.acpi.err" || { dtb_problem="axvisor acpi failed: $(tail_of "$out/$2.acpi.err")"; return 1; }
  for t in rsdp xsdt facp dsdt apic; do
    [ -s "$out/$2.acpi/$t.dat" ] || { dtb_problem="axvisor acpi wrote no $t.dat"; return 1; }
  done
}

# describe CONFIG NAME: the platform description a config's guest gets is well-formed (device tree,
# or ACPI tables on x86_64).
describe() {
  if [ "$arch" = x86_64 ]; then acpi "$@"; else dtb "$@"; fi
}

# linux-boot: AxVisor's own Linux config (three keys changed; on x86_64 our config in its shape)
# boots to /init and powers off; its device tree (ACPI tables on x86_64), and the example VM's
# tree, are well-formed.
scenario_boot() {
  start linux-boot "$dir/boot.toml" --no-input
  if await AXVM-LINUX-INIT; then seen=$(since "$started"); fi
  finish
  if [ "$rc" != 0 ] || [ -z "$(marker)" ]; then
    fail linux-boot "no clean power-off after the /init marker: $(why)"; return
  fi
  dtb_problem=""
  describe "$dir/boot.toml" boot && { [ "$arch" = x86_64 ] || dtb "$dir/examples/hello-$arch.toml" example; }
  if [ -n "$dtb_problem" ]; then fail linux-boot "booted, but: $dtb_problem"; return; fi
  what="its device tree and the example's decompile without warnings"
  [ "$arch" = x86_64 ] && what="axvisor acpi writes its five ACPI tables"
  pass linux-boot "linux-$arch-qemu-smp1.toml reached /init (\"$(marker)\", ${seen:-?} s after launch) and powered off (exit 0); $what"
}

# linux-boot-bzimage (x86_64): the same kernel as a bzImage, through the 64-bit boot protocol
# (linux-boot starts the vmlinux at its PVH entry).
scenario_boot_bzimage() {
  start linux-boot-bzimage "$dir/bzimage.toml" --no-input
  if await AXVM-LINUX-INIT; then seen=$(since "$started"); fi
  finish
  if [ "$rc" != 0 ] || [ -z "$(marker)" ] || ! grep -q "64-bit boot protocol" "$out/linux-boot-bzimage.err"; then
    fail linux-boot-bzimage "no clean power-off after the /init marker (or not through the 64-bit boot protocol): $(why)"; return
  fi
  pass linux-boot-bzimage "the bzImage reached /init through the 64-bit boot protocol (\"$(marker)\", ${seen:-?} s after launch), exit 0"
}

# linux-smp: two vCPUs; the guest reports both online.
scenario_smp() {
  start linux-smp "$dir/smp.toml" --no-input
  await AXVM-LINUX-INIT
  finish
  if [ "$rc" != 0 ] || ! marker | grep -q " online 0-1 "; then
    fail linux-smp "expected \"online 0-1\" and exit 0: $(why)"; return
  fi
  dtb_problem=""
  if ! describe "$dir/smp.toml" smp; then fail linux-smp "booted, but: $dtb_problem"; return; fi
  pass linux-smp "2 vCPUs online in the guest (\"$(marker)\"), exit 0"
}

# linux-console-input: a command typed into the guest's shell over the UART runs there.
scenario_console_input() {
  start linux-console-input "$dir/shell.toml"
  if await "AXVM-LINUX-SHELL ready"; then
    keys 'echo AXVM-ECHO-$((6*7))'
    await AXVM-ECHO-42 && keys 'poweroff -f'
  fi
  finish
  if [ "$rc" != 0 ] || [ "$(count "$log" AXVM-ECHO-42)" -lt 1 ]; then
    fail linux-console-input "the typed command did not answer AXVM-ECHO-42 (or no exit 0): $(why)"; return
  fi
  pass linux-console-input "typed 'echo AXVM-ECHO-\$((6*7))' into the guest's shell, it answered AXVM-ECHO-42, exit 0"
}

# linux-reboot: the guest reboots itself once (reboot -f: PSCI SYSTEM_RESET, SBI SRST, x86's ACPI
# reset register), the same
# kernel boots to /init again, then it powers off.
scenario_reboot() {
  start linux-reboot "$dir/shell.toml"
  if await "AXVM-LINUX-SHELL ready"; then
    keys 'reboot -f'
    await "AXVM-LINUX-SHELL ready" 2 && keys 'poweroff -f'
  fi
  finish
  boots=$(count "$log" AXVM-LINUX-INIT)
  if [ "$rc" != 0 ] || [ "$boots" -ne 2 ]; then
    fail linux-reboot "expected two boots to /init and exit 0, saw $boots: $(why)"; return
  fi
  pass linux-reboot "the guest rebooted itself, reached /init again (\"$(marker 2)\") and powered off, exit 0"
}

# linux-snapshot: a shell VM with its ext4 disk (virtio-blk) mounted is snapshotted as soon as its
# shell is ready (run --snapshot-on), brought back in a fresh JVM (axvisor restore), and a command
# typed into the restored shell answers there; the restored guest never boots again. That VM then
# writes a file in memory and one on the disk (synced), and is snapshotted again as a diff (--diff:
# only the pages changed since the restore, layered on the first file); a third JVM restores the
# diff, reads both files back, unmounts the disk and powers off. The host's debugfs then reads the
# guest's file from the image and e2fsck finds the image clean.
scenario_snapshot() {
  snap=$tools/linux.axsnap diff=$tools/linux-diff.axsnap
  rm -f "$snap" "$diff"
  if ! make_disk; then
    fail linux-snapshot "mke2fs failed: $(tail_of "$out/mke2fs.err")"; return
  fi
  start linux-snapshot "$dir/disk-shell.toml" --snapshot-on "AXVM-LINUX-SHELL ready" --snapshot-to "$snap"
  finish
  taken=$(grep "snapshot of VM" "$out/linux-snapshot.err" | sed 's/^axvisor: //')
  if [ "$rc" != 0 ] || [ ! -s "$snap" ] || [ -z "$taken" ]; then
    fail linux-snapshot "no snapshot once the shell was ready: $(why)"; return
  fi
  size=$(du -k "$snap" | cut -f1)
  resume linux-snapshot-restore "$snap" --snapshot-on AXVM-DIFF-5 --snapshot-to "$diff" --diff
  keys 'echo AXVM-ECHO-$((6*7))'
  await AXVM-ECHO-42 && keys 'echo AXVM-KEPT-$((3+4)) > /kept; echo restored and synced > /disk/restored.txt; sync; echo AXVM-DIFF-$((2+3))'
  finish
  restored=$(grep "restored from" "$out/linux-snapshot-restore.err" | sed 's/^axvisor: //')
  diffed=$(grep "diff snapshot of VM" "$out/linux-snapshot-restore.err" | sed 's/^axvisor: //')
  if [ "$rc" != 0 ] || [ "$(count "$log" AXVM-ECHO-42)" -lt 1 ] || [ "$(count "$log" AXVM-LINUX-INIT)" -ne 0 ]; then
    fail linux-snapshot "the restored shell did not answer AXVM-ECHO-42 without booting again (or no exit 0): $(why)"; return
  fi
  if [ ! -s "$diff" ] || [ -z "$diffed" ]; then
    fail linux-snapshot "no diff snapshot once the restored shell wrote its files: $(why)"; return
  fi
  dsize=$(du -k "$diff" | cut -f1)
  resume linux-snapshot-diff "$diff"
  keys 'cat /kept /disk/hello.txt /disk/restored.txt; umount /disk && echo AXVM-UMOUNTED-$((1+1))'
  await AXVM-UMOUNTED-2 && keys 'poweroff -f'
  finish
  layered=$(grep "restored from" "$out/linux-snapshot-diff.err" | sed 's/^axvisor: //')
  if [ "$rc" != 0 ] || [ "$(count "$log" AXVM-KEPT-7)" -lt 1 ] || [ "$(count "$log" "put there by the host")" -lt 1 ] \
      || [ "$(count "$log" "restored and synced")" -lt 1 ] || [ "$(count "$log" AXVM-LINUX-INIT)" -ne 0 ]; then
    fail linux-snapshot "the shell restored from the diff did not read back /kept and the disk's files (or no exit 0): $(why)"; return
  fi
  written=$(/usr/sbin/debugfs -R "cat /restored.txt" "$tools/disk.img" 2> "$out/debugfs.err")
  if [ "$written" != "restored and synced" ]; then
    fail linux-snapshot "the image has no restored.txt as written (debugfs: \"$written\" $(tail_of "$out/debugfs.err"))"; return
  fi
  if ! /usr/sbin/e2fsck -fn "$tools/disk.img" > "$out/e2fsck.out" 2>&1; then
    fail linux-snapshot "e2fsck finds the image inconsistent after the restores: $(tail_of "$out/e2fsck.out")"; return
  fi
  pass linux-snapshot "$taken ($size KiB on disk); $restored; its shell answered AXVM-ECHO-42; $diffed ($dsize KiB on disk); $layered; /kept and the disk's files read back, the disk unmounted; the host's debugfs reads restored.txt from the image and e2fsck finds it clean, exit 0"
}

# linux-panic: a kernel panic (panic=-1 reboots at once) stops the VM with the panic as its cause.
scenario_panic() {
  start linux-panic "$dir/panic.toml" --no-input
  await AXVM-LINUX-INIT
  finish
  if [ "$rc" != 1 ] || ! grep -q "kernel panicked" "$out/linux-panic.err"; then
    fail linux-panic "expected exit 1 naming the panic: $(why)"; return
  fi
  pass linux-panic "stopped, exit 1: $(grep "kernel panicked" "$out/linux-panic.err" | head -n1 | cut -c1-200)"
}

# linux-virtio-blk: the guest mounts an ext4 image from virtio-blk, reads the file the host put
# there, writes one, syncs and powers off; the host then finds the new file intact in the image.
# make_disk: a fresh 8 MiB ext4 image with hello.txt, where the virtio configs expect it
# (e2fsprogs from the Debian root: busybox's mke2fs on PATH cannot populate an image).
make_disk() {
  rm -rf "$tools/disk" "$tools/disk.img" && mkdir -p "$tools/disk"
  echo "put there by the host" > "$tools/disk/hello.txt"
  /usr/sbin/mke2fs -q -t ext4 -d "$tools/disk" "$tools/disk.img" 8M 2> "$out/mke2fs.err"
}

scenario_virtio_blk() {
  if ! make_disk; then
    fail linux-virtio-blk "mke2fs failed: $(tail_of "$out/mke2fs.err")"; return
  fi
  start linux-virtio-blk "$dir/virtio-blk.toml" --no-input
  await AXVM-BLK-DONE
  finish
  written=$(/usr/sbin/debugfs -R "cat /guest.txt" "$tools/disk.img" 2> "$out/debugfs.err")
  if [ "$rc" != 0 ] || [ "$(count "$log" "AXVM-BLK-READ put there by the host")" -lt 1 ]; then
    fail linux-virtio-blk "the guest did not read hello.txt from /dev/vda (or no exit 0): $(why)"; return
  fi
  if [ "$written" != "written by the guest on vda" ]; then
    fail linux-virtio-blk "the image has no guest.txt as written (debugfs: \"$written\" $(tail_of "$out/debugfs.err"))"; return
  fi
  if ! /usr/sbin/e2fsck -fn "$tools/disk.img" > "$out/e2fsck.out" 2>&1; then
    fail linux-virtio-blk "e2fsck finds the image inconsistent: $(tail_of "$out/e2fsck.out")"; return
  fi
  if ! grep -q "virtio-blk 'vda'.*ring a doorbell (ioeventfd)" "$out/linux-virtio-blk.err"; then
    fail linux-virtio-blk "the disk worked, but its notifications did not go through KVM's ioeventfd: $(grep "virtio-blk 'vda'" "$out/linux-virtio-blk.err" | head -n1)"; return
  fi
  pass linux-virtio-blk "the guest mounted /dev/vda (ext4) with its notifications on a KVM ioeventfd, read the host's file, wrote guest.txt; after power-off the host's debugfs reads it back and e2fsck finds the image clean"
}

# linux-virtio-console: a line typed on the host reaches the guest over hvc0 and comes back.
scenario_virtio_console() {
  make_disk || { fail linux-virtio-console "mke2fs failed: $(tail_of "$out/mke2fs.err")"; return; }
  start linux-virtio-console "$dir/virtio-console.toml"
  if await AXVM-HVC-READY; then
    keys 'hello-over-hvc0'
    await "AXVM-HVC-GOT hello-over-hvc0"
  fi
  finish
  if [ "$rc" != 0 ] || [ "$(count "$log" "AXVM-HVC-GOT hello-over-hvc0")" -lt 1 ]; then
    fail linux-virtio-console "no round trip over /dev/hvc0 (or no exit 0): $(why)"; return
  fi
  pass linux-virtio-console "the guest wrote AXVM-HVC-READY to /dev/hvc0, read the typed line from it and answered, exit 0"
}

# linux-virtio-rng: the kernel takes virtio-rng as its hardware RNG and /dev/hwrng yields bytes.
scenario_virtio_rng() {
  make_disk || { fail linux-virtio-rng "mke2fs failed: $(tail_of "$out/mke2fs.err")"; return; }
  start linux-virtio-rng "$dir/virtio-rng.toml" --no-input
  await AXVM-RNG
  finish
  got=$(tr -d '\r' < "$log" | grep "AXVM-RNG " | head -n1)
  if [ "$rc" != 0 ] || ! echo "$got" | grep -q "AXVM-RNG virtio_rng.[0-9]* 64$"; then
    fail linux-virtio-rng "expected \"AXVM-RNG virtio_rng.N 64\": $(why)"; return
  fi
  pass linux-virtio-rng "\"$got\": /dev/hwrng is the virtio device and gave 64 bytes, exit 0"
}

scenarios="boot smp console_input reboot snapshot panic virtio_blk virtio_console virtio_rng"
[ "$arch" = x86_64 ] && scenarios="boot boot_bzimage smp console_input reboot snapshot panic virtio_blk virtio_console virtio_rng"
[ -f "$dir/only" ] && scenarios=$(cat "$dir/only") # a developer's subset (bin/cross-arch-test --file LIST=linux/only)
for s in $scenarios; do
  "scenario_$s"
done
exit 0
