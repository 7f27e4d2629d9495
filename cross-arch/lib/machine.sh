# Sourced by bin/cross-arch-test: what each architecture's emulated machine is made of, and one
# boot of it under a hard time limit.

# Sets the XA_* variables that describe architecture $1.
xa_machine() {
  case "$1" in
    aarch64)
      XA_DEBARCH=arm64
      XA_KERNEL_SUITE=bookworm # Debian 12: KVM built in (CONFIG_KVM=y)
      XA_KERNEL_META=linux-image-arm64
      # virtio_blk crc32c_generic ext4 virtio_console virtio_rng: for the --linux guest's initramfs (its virtio scenarios)
      XA_MODULES="virtio_mmio 9pnet_virtio 9p virtio_blk crc32c_generic ext4 virtio_console virtio_rng"
      XA_QEMU=qemu-system-aarch64
      # EL2 for the guest kernel's KVM; pauth-impdef: QARMA pointer authentication is ~4x slower.
      XA_QEMU_MACHINE=(-M virt,virtualization=on,gic-version=3 -cpu max,pauth-impdef=on)
      XA_APPEND="console=ttyAMA0"
      XA_9P_DEVICE=virtio-9p-device # the kernel finds virtio-mmio devices in the device tree
      ;;
    riscv64)
      XA_DEBARCH=riscv64
      XA_KERNEL_SUITE=trixie # Debian 12 has no riscv64 archive
      XA_KERNEL_META=linux-image-riscv64
      XA_MODULES="kvm virtio_mmio 9pnet_virtio 9p virtio_blk crc32c_generic ext4 virtio_console virtio_rng"
      XA_QEMU=qemu-system-riscv64
      # sstc=false: with QEMU 7.2's emulated Sstc, the second vCPU of a 2-vCPU Linux guest on the
      # guest kernel's KVM stopped taking timer interrupts (RCU stall and "hard LOCKUP on cpu 1"
      # within 20 s, no power-off); without it (KVM then times vCPUs with the SBI timer) it boots
      # and powers off. See cross-arch/README.md, "riscv64: Sstc".
      XA_QEMU_MACHINE=(-M virt -cpu rv64,h=true,sstc=false -bios default)
      # no5lvl: QEMU 7.2 offers Sv57, which HotSpot refuses.
      XA_APPEND="console=ttyS0 no5lvl"
      XA_9P_DEVICE=virtio-9p-device
      ;;
    x86_64)
      XA_DEBARCH=amd64
      XA_KERNEL_SUITE=bookworm # Debian 12: kvm and kvm-amd are modules
      XA_KERNEL_META=linux-image-amd64
      # virtio_mmio and the rest: the --linux guest's (its ACPI tables describe virtio-mmio devices)
      XA_MODULES="kvm_amd virtio_pci 9pnet_virtio 9p virtio_mmio virtio_blk crc32c_generic ext4 virtio_console virtio_rng"
      XA_QEMU=qemu-system-x86_64
      # QEMU emulates AMD SVM with nested paging (not VMX): the guest kernel's kvm_amd drives it.
      # thread=single: with one host thread per emulated CPU (MTTCG), two vCPUs of a nested guest
      # making exits as fast as they can corrupted the emulated machine's memory within seconds
      # (guest triple faults, hangs, and once the L1 kernel's own "corrupted stack end" panic: 3
      # and 4 of 10 runs of the chaos scenario); round-robin emulation never did (0 of 22).
      XA_QEMU_MACHINE=(-M pc -accel tcg,thread=single -cpu max,+svm,+npt)
      XA_APPEND="console=ttyS0"
      # Debian's amd64 kernel has no device tree and no virtio-mmio command-line devices: PCI.
      XA_9P_DEVICE=virtio-9p-pci
      ;;
    *) xa_die "unknown architecture '$1' (x86_64, aarch64 or riscv64)" ;;
  esac
  XA_ROOTFS_SUITE=trixie # openjdk-25-jre-headless is in Debian 13
  XA_JAVA_ARCH=$1 # what the guest's JVM reports as os.arch
  if [ "$1" = x86_64 ]; then XA_JAVA_ARCH=amd64; fi
}

# Boots architecture $1 with the job in $2 and results going to $3; the console goes to $4.
# Returns QEMU's status (124 when the time limit $5 seconds ran out and QEMU was killed), or
# $XA_STALLED when the emulated machine stalled and was killed (see xa_watch).
xa_boot() {
  local arch=$1 job=$2 out=$3 log=$4 limit=$5
  local k="$XA_CACHE/$arch/kernel"
  # QEMU's option syntax would split a path at a comma.
  case "$XA_CACHE" in *,*) xa_die "the cache path $XA_CACHE has a comma, which QEMU's -fsdev cannot take" ;; esac
  local cmd=("$XA_QEMU" "${XA_QEMU_MACHINE[@]}" -smp "$XA_SMP" -m "$XA_MEMORY"
    -nodefaults -display none -monitor none -serial stdio -no-reboot
    -kernel "$k/Image" -initrd "$XA_CACHE/$arch/initramfs.cpio.gz"
    -append "$XA_APPEND panic=-1 quiet rdinit=/init"
    -fsdev "local,id=root,path=$XA_CACHE/$arch/$XA_ROOTFS_NAME,security_model=none,readonly=on"
    -device "$XA_9P_DEVICE",fsdev=root,mount_tag=root
    -fsdev "local,id=job,path=$job,security_model=none,readonly=on"
    -device "$XA_9P_DEVICE",fsdev=job,mount_tag=job
    -fsdev "local,id=out,path=$out,security_model=none"
    -device "$XA_9P_DEVICE",fsdev=out,mount_tag=out)
  printf '%q ' "${cmd[@]}" > "$(dirname "$log")/qemu-command"
  # timeout kills QEMU when the guest hangs; -k makes sure a QEMU deaf to SIGTERM dies too. The
  # trap ends it when this script is interrupted, so that no QEMU outlives a run.
  timeout -k 10 "$limit" "${cmd[@]}" < /dev/null > "$log" 2>&1 &
  XA_QEMU_PID=$!
  trap 'kill -TERM "$XA_QEMU_PID" 2>/dev/null; wait "$XA_QEMU_PID" 2>/dev/null' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  local tail_pid=""
  if [ "$XA_VERBOSE" = 1 ]; then
    tail -n +1 -f --pid="$XA_QEMU_PID" "$log" | sed -u "s/^/[$arch] /" >&2 &
    tail_pid=$!
  fi
  local rc=0
  xa_watch "$XA_QEMU_PID" "$out/heartbeat" || rc=$?
  [ "$rc" -eq 0 ] && { wait "$XA_QEMU_PID" || rc=$?; }
  trap - EXIT INT TERM
  [ -n "$tail_pid" ] && wait "$tail_pid" 2>/dev/null
  return "$rc"
}

XA_STALLED=200
XA_STALL_AFTER=${AXVM_CROSS_ARCH_STALL_AFTER:-90}       # seconds without a heartbeat once init runs
XA_BOOT_STALL_AFTER=${AXVM_CROSS_ARCH_BOOT_STALL_AFTER:-180} # seconds to the first heartbeat

# Waits while QEMU ($1) runs, watching the heartbeat file ($2) that the guest's init rewrites
# every 5 s. A machine that stops writing it (or never starts) has stalled — the whole emulated
# machine, not a job inside it, which a live machine's heartbeat outlasts: QEMU is killed and
# $XA_STALLED returned. Returns 0 when QEMU ended by itself (the caller collects its status).
xa_watch() {
  local pid=$1 hb=$2 start now seen quiet allowed
  start=$(date +%s)
  while kill -0 "$pid" 2>/dev/null; do
    sleep 2
    now=$(date +%s)
    if [ -f "$hb" ]; then
      seen=$(stat -c %Y "$hb" 2>/dev/null || echo "$now")
      quiet=$((now - seen)) allowed=$XA_STALL_AFTER
    else
      quiet=$((now - start)) allowed=$XA_BOOT_STALL_AFTER
    fi
    if [ "$quiet" -ge "$allowed" ] && kill -0 "$pid" 2>/dev/null; then
      XA_STALL_DETAIL="no heartbeat for $quiet s, $((now - start)) s after QEMU started"
      kill -TERM "$pid" 2>/dev/null
      wait "$pid" 2>/dev/null
      return "$XA_STALLED"
    fi
  done
  return 0
}
