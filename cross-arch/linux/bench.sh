# The Linux boot benchmark (bin/cross-arch-test <arch> --linux-bench), run by busybox sh inside
# the emulated machine: the same kernel, initramfs and command line (AxVisor's Linux config,
# boot.toml) booted to the /init marker by AxVM (`axvisor run --time-to`) and by QEMU with
# -accel kvm on the same KVM, $runs times each, one after the other. Prints
# "AXVM-BENCH <metric>: <value> <unit>" lines (medians), the ratios AxVM / QEMU, and one
# AXVM-SCENARIO line for the harness.
#
#   busybox sh bench.sh ARCH JOB_DIR -- JAVA [JVM options] -cp CLASSPATH dev.axvm.axvisor.Main
#
# JOB_DIR/bench.env (written by the harness) sets cmdline, mem_mib, qemu_bin, qemu_machine and
# qemu_blk_device.
set -u
arch=$1 dir=$2
shift 3
runs=${AXVM_LINUX_BENCH_RUNS:-3}
tools=/tmp/linux-bench
. "$dir/tools.sh"
out=/mnt/out/linux-bench
mkdir -p "$out"
. "$dir/bench.env"

fail() { echo "AXVM-SCENARIO FAIL linux-bench $1"; exit 0; }
now() { cut -d' ' -f1 /proc/uptime; }
uptime_at_marker() { tr -d '\r' < "$1" | sed -n 's/.*AXVM-LINUX-INIT uptime \([0-9.]*\) .*/\1/p' | head -n1; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# stamp: each line read, prefixed with the machine's uptime when it arrived (shell builtins only).
stamp() { while IFS= read -r line; do read -r up rest < /proc/uptime; echo "$up $line"; done; }

rm -f "$out"/*
for i in $(seq "$runs"); do
  axvisor run --no-input --timeout 300 --time-to AXVM-LINUX-INIT "$dir/boot.toml" > "$out/axvm-$i.log" 2> "$out/axvm-$i.err" \
    || fail "axvisor run $i: exit $?: $(grep -v '^warning: \|^note: ' "$out/axvm-$i.err" | tail -n 3 | tr '\n' '|')"
  t=$(sed -n 's/^axvisor: "AXVM-LINUX-INIT" showed \([0-9.]*\) s after boot$/\1/p' "$out/axvm-$i.err")
  u=$(uptime_at_marker "$out/axvm-$i.log")
  [ -n "$t" ] && [ -n "$u" ] || fail "axvisor run $i: no marker time: $(tail -n 2 "$out/axvm-$i.err" | tr '\n' '|')"
  echo "$t" >> "$out/axvm-boot"; echo "$u" >> "$out/axvm-uptime"

  # QEMU's time runs from its own start: its machine setup (what AxVM does before boot()) is in it.
  start=$(now)
  # shellcheck disable=SC2086 # qemu_machine is a list of words
  timeout 300 "$qemu_bin" $qemu_machine -accel kvm -smp 1 -m "$mem_mib" -nographic -nodefaults -serial stdio \
    -monitor none -no-reboot -kernel "$dir/Image" -initrd "$dir/initramfs.cpio.gz" -append "$cmdline" \
    < /dev/null 2> "$out/qemu-$i.err" | stamp > "$out/qemu-$i.log"
  at=$(tr -d '\r' < "$out/qemu-$i.log" | grep AXVM-LINUX-INIT | head -n1 | cut -d' ' -f1)
  u=$(uptime_at_marker "$out/qemu-$i.log")
  [ -n "$at" ] && [ -n "$u" ] || fail "qemu run $i: no marker: $(tail -n 3 "$out/qemu-$i.err" "$out/qemu-$i.log" | tr '\n' '|')"
  awk -v a="$start" -v b="$at" 'BEGIN { printf "%.2f\n", b - a }' >> "$out/qemu-boot"
  echo "$u" >> "$out/qemu-uptime"
done

# virtio-blk: the guest's blkbench reads the same 72 MiB image (in this machine's RAM) through
# AxVM's virtio-blk and through QEMU's, O_DIRECT inside the guest.
blk_figure() { tr -d '\r' < "$1" | sed -n "s/.*AXVM-BLK-BENCH seq_mib_s=\([0-9.]*\) rand_iops=\([0-9]*\).*/\\$2/p" | head -n1; }
dd if=/dev/urandom of="$tools/disk.img" bs=1M count=72 2> /dev/null || fail "cannot write the disk image"
for i in $(seq "$runs"); do
  axvisor run --no-input --timeout 300 "$dir/blk.toml" > "$out/axvm-blk-$i.log" 2> "$out/axvm-blk-$i.err" \
    || fail "axvisor run (blk) $i: exit $?: $(grep -v '^warning: \|^note: ' "$out/axvm-blk-$i.err" | tail -n 3 | tr '\n' '|')"
  # shellcheck disable=SC2086 # qemu_machine is a list of words
  timeout 300 "$qemu_bin" $qemu_machine -accel kvm -smp 1 -m "$mem_mib" -nographic -nodefaults -serial stdio \
    -monitor none -no-reboot -kernel "$dir/Image" -initrd "$dir/initramfs.cpio.gz" -append "$cmdline axvm.action=blk-bench" \
    -drive "file=$tools/disk.img,if=none,format=raw,id=vda" -device "$qemu_blk_device",drive=vda \
    < /dev/null > "$out/qemu-blk-$i.log" 2> "$out/qemu-blk-$i.err"
  for vmm in axvm qemu; do
    seq_r=$(blk_figure "$out/$vmm-blk-$i.log" 1) rand_r=$(blk_figure "$out/$vmm-blk-$i.log" 2)
    [ -n "$seq_r" ] && [ -n "$rand_r" ] || fail "$vmm blk run $i: no AXVM-BLK-BENCH line: $(tail -n 3 "$out/$vmm-blk-$i.log" | tr '\n' '|')"
    echo "$seq_r" >> "$out/$vmm-blk-seq"; echo "$rand_r" >> "$out/$vmm-blk-rand"
  done
done
as=$(median < "$out/axvm-blk-seq") ar=$(median < "$out/axvm-blk-rand")
qs=$(median < "$out/qemu-blk-seq") qr=$(median < "$out/qemu-blk-rand")

ab=$(median < "$out/axvm-boot") au=$(median < "$out/axvm-uptime")
qb=$(median < "$out/qemu-boot") qu=$(median < "$out/qemu-uptime")
echo "AXVM-BENCH linux-$arch-axvm-boot-to-marker: $ab s"
echo "AXVM-BENCH linux-$arch-qemu-start-to-marker: $qb s"
echo "AXVM-BENCH linux-$arch-axvm-uptime-at-marker: $au s"
echo "AXVM-BENCH linux-$arch-qemu-uptime-at-marker: $qu s"
echo "AXVM-BENCH linux-$arch-axvm-blk-seq-read: $as MiB/s"
echo "AXVM-BENCH linux-$arch-qemu-blk-seq-read: $qs MiB/s"
echo "AXVM-BENCH linux-$arch-axvm-blk-rand-4k-read: $ar IOPS"
echo "AXVM-BENCH linux-$arch-qemu-blk-rand-4k-read: $qr IOPS"
echo "AXVM-BENCH ratio-blk-seq-read: $(awk -v a="$as" -v b="$qs" 'BEGIN { printf "%.2f", a / b }')"
echo "AXVM-BENCH ratio-blk-rand-4k-read: $(awk -v a="$ar" -v b="$qr" 'BEGIN { printf "%.2f", a / b }')"
echo "AXVM-BENCH ratio-boot-to-marker: $(awk -v a="$ab" -v b="$qb" 'BEGIN { printf "%.2f", a / b }')"
echo "AXVM-BENCH ratio: $(awk -v a="$au" -v b="$qu" 'BEGIN { printf "%.2f", a / b }')"
echo "AXVM-SCENARIO PASS linux-bench medians of $runs runs each: AxVM $ab s from boot() ($au s guest uptime), QEMU -accel kvm $qb s from its start ($qu s guest uptime); virtio-blk sequential $as vs $qs MiB/s, random 4 KiB $ar vs $qr IOPS"
