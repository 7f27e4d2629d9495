# Sourced by bin/cross-arch-test: the --linux scenarios. The guest of the guest is the same
# Debian kernel the emulated machine boots, with a tiny initramfs (busybox-static from the guest
# root and cross-arch/linux/init); its configs are AxVisor's own Linux config for the architecture
# (testdata/axvisor-linux/) and variants of it. cross-arch/linux/scenarios.sh runs them inside.

# Builds the Linux guest's initramfs for architecture $1 (cached); sets XA_LINUX_INITRAMFS.
xa_linux_initramfs() {
  local arch=$1 out="$XA_CACHE/$arch/linux-initramfs.cpio.gz" stamp="$XA_CACHE/$arch/linux-initramfs.stamp"
  local init="$XA_HOME/linux/init" recipe
  recipe="init=$(md5sum < "$init" | cut -c1-32) busybox=$(grep '^busybox-static ' "$XA_CACHE/$arch/$XA_ROOTFS_NAME/.axvm-packages")"
  recipe="$recipe kernel=$(cat "$XA_CACHE/$arch/kernel.stamp") blkbench=$(md5sum < "$XA_HOME/linux/blkbench.c" | cut -c1-32)"
  XA_LINUX_INITRAMFS=$out
  xa_stamp_ok "$stamp" "$recipe" && [ -f "$out" ] && return 0
  local stage="$XA_CACHE/$arch/linux-initramfs.stage"
  rm -rf "$stage" && mkdir -p "$stage/bin"
  cp "$XA_CACHE/$arch/$XA_ROOTFS_NAME/usr/bin/busybox" "$stage/bin/busybox"
  cp "$init" "$stage/init" && chmod 755 "$stage/init"
  # The benchmark's reader of the virtio disk (--linux-bench), static, so that it needs no libc.
  "$(xa_guest_cc "$arch")" -std=c11 -O2 -Wall -Wextra -Werror -static -o "$stage/bin/blkbench" "$XA_HOME/linux/blkbench.c" \
    || xa_die "$arch: cannot build the guest's blkbench"
  # The kernel's modules (the same kernel boots as the guest): the virtio scenarios load them.
  mkdir -p "$stage/modules"
  cp "$XA_CACHE/$arch/kernel/modules/"*.ko "$XA_CACHE/$arch/kernel/load-order" "$stage/modules/" 2>/dev/null || true
  (cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -6 -n) > "$out.new" \
    || xa_die "$arch: cannot write the Linux guest's initramfs"
  mv "$out.new" "$out"
  rm -rf "$stage"
  echo "$recipe" > "$stamp"
}

# The Linux config the scenarios and the benchmark start from (printed): AxVisor's own, on x86_64
# ours in its shape, there with KVM's PV EOI turned off (paravirt_off). The emulated SVM underneath
# (QEMU's TCG, 7.2 and 10.0 alike) can deliver an interrupt it injected a second time, masked or
# not, until the nested guest's next exit (cross-arch/README.md); with PV EOI that window spans the
# guest's whole timer handler, locks held, and boots hung there. $2 is a scratch directory.
xa_linux_config() {
  local arch=$1 scratch=$2 base="$XA_ROOT/testdata/axvisor-linux/linux-$1-qemu-smp1.toml"
  [ -f "$base" ] || xa_die "--linux: no Linux config for $arch ($base)"
  if [ "$arch" != x86_64 ]; then echo "$base"; return 0; fi
  sed '/^\[base\]$/a\
paravirt_off = ["kvm-pv-eoi"] # cross-arch: the emulated SVM underneath replays interrupts' "$base" > "$scratch/base.toml"
  grep -q '^paravirt_off = ' "$scratch/base.toml" || xa_die "--linux: $base has no [base] line"
  echo "$scratch/base.toml"
}

# Stages the Linux scenarios' job for architecture $1 into XA_JOB_FILES (under linux/) and sets
# XA_WRAPPER to run scenarios.sh around the app. $2 is a scratch directory for the configs.
xa_linux_job() {
  local arch=$1 scratch=$2 base
  xa_linux_initramfs "$arch"
  rm -rf "$scratch" && mkdir -p "$scratch"
  base=$(xa_linux_config "$arch" "$scratch") || exit 1
  cp "$base" "$scratch/boot.toml"
  # Variants: two vCPUs; a shell on the console; a panic. Only these keys differ.
  sed -e 's/^cpu_num = 1$/cpu_num = 2/' -e 's/^phys_cpu_ids = \[0\]$/phys_cpu_ids = [0, 1]/' "$base" > "$scratch/smp.toml"
  grep -q '^cpu_num = 2$' "$scratch/smp.toml" || xa_die "--linux: $base has no 'cpu_num = 1' line to vary"
  local action
  # x86_64 boots the vmlinux at its PVH entry; linux-boot-bzimage boots the bzImage (64-bit protocol).
  local extra=()
  if [ "$arch" = x86_64 ]; then
    sed 's/^kernel_path = "Image"/kernel_path = "bzImage"/' "$base" > "$scratch/bzimage.toml"
    grep -q '^kernel_path = "bzImage"' "$scratch/bzimage.toml" || xa_die "--linux: $base has no 'kernel_path = \"Image\"' line"
    extra=(bzimage)
  fi
  for action in shell disk-shell panic virtio-blk virtio-console virtio-rng; do
    sed "s/^\(cmdline = \".*\)\"$/\1 axvm.action=$action\"/" "$base" > "$scratch/$action.toml"
    grep -q "axvm.action=$action\"$" "$scratch/$action.toml" || xa_die "--linux: $base has no one-line cmdline to vary"
  done
  local v
  for v in disk-shell virtio-blk virtio-console virtio-rng; do
    xa_linux_add_virtio "$arch" "$scratch/$v.toml" /tmp/linux-scenarios/disk.img
  done
  # The shell reads the console UART: a virtio console would take the host's input from it.
  sed -i '/"hvc0"/d' "$scratch/disk-shell.toml"
  xa_example "$arch" # the example VM's device tree is checked too
  local examples=("${XA_JOB_FILES[@]}")
  XA_JOB_FILES=("$XA_CACHE/$arch/kernel/Image=linux/Image" "$XA_LINUX_INITRAMFS=linux/initramfs.cpio.gz"
    "$XA_HOME/linux/scenarios.sh=linux/scenarios.sh" "$XA_HOME/linux/tools.sh=linux/tools.sh")
  [ "$arch" = x86_64 ] && XA_JOB_FILES+=("$XA_CACHE/$arch/kernel/bzImage=linux/bzImage")
  local f
  for f in boot smp shell disk-shell panic virtio-blk virtio-console virtio-rng "${extra[@]}"; do XA_JOB_FILES+=("$scratch/$f.toml=linux/$f.toml"); done
  for f in "${examples[@]}"; do XA_JOB_FILES+=("${f%%=*}=linux/${f#*=}"); done
  XA_EXPECT=""
  XA_WRAPPER=(/usr/bin/busybox sh /mnt/job/linux/scenarios.sh "$arch" /mnt/job/linux --)
}

# Adds to config $2 (a variant of AxVisor's Linux config for architecture $1) a virtio block
# device on disk image $3 (the scenario makes it inside the emulated machine), a virtio console
# (which then takes the console's input) and an entropy device, where QEMU's virt machine has its
# virtio-mmio transports (aarch64: 0x0a000000, SPIs 16..; riscv64: past its 0x10001000 block);
# on x86_64 below the IOAPIC, on GSIs 5..7 as Firecracker puts them (ACPI's DSDT describes them).
xa_linux_add_virtio() {
  local at irq
  case "$1" in
    aarch64) at=(0x0a00_0000 0x0a00_0200 0x0a00_0400) irq=(48 49 50) ;;
    x86_64) at=(0xd000_0000 0xd000_0200 0xd000_0400) irq=(5 6 7) ;;
    *) at=(0x1010_0000 0x1010_1000 0x1010_2000) irq=(1 2 3) ;;
  esac
  sed -i -e "/^emu_devices = \[/a\\
    [\"vda\", ${at[0]}, 0x200, ${irq[0]}, 0xE1, []],\\
    [\"hvc0\", ${at[1]}, 0x200, ${irq[1]}, 0xE3, []],\\
    [\"rng0\", ${at[2]}, 0x200, ${irq[2]}, 0xE4, []]," \
    -e "/^\[devices\]$/a\\
disk_images = [[\"vda\", \"$3\"]]" "$2"
  grep -q '"rng0"' "$2" && grep -q '^disk_images' "$2" \
    || xa_die "--linux: $2 has no 'emu_devices = [' or '[devices]' line to add virtio devices to"
}

# --linux-bench: the QEMU packages for architecture $1 (added to a second guest root, so that the
# other modes' root stays small).
xa_linux_bench_root() {
  XA_ROOTFS_NAME=rootfs-qemu
  case "$1" in
    aarch64) XA_ROOTFS_EXTRA=qemu-system-arm ;;
    riscv64) XA_ROOTFS_EXTRA=qemu-system-misc ;;
    x86_64) XA_ROOTFS_EXTRA=qemu-system-x86 ;;
  esac
}

# x86_64 --linux and --linux-bench: the emulator is the QEMU of the QEMU root (Debian 13's, 10.0)
# instead of the host's 7.2, run through that root's own loader and libraries (the host's glibc is
# older). Under QEMU 7.2's emulated SVM a Linux guest of the guest hangs at a random point of most
# boots, QEMU's own as well as AxVM's (cross-arch/README.md); under 10.0 they boot. Sets XA_QEMU.
xa_root_qemu() {
  local root="$XA_CACHE/$1/$XA_ROOTFS_NAME" wrapper="$XA_CACHE/$1/qemu-from-root"
  [ -x "$root/usr/bin/qemu-system-x86_64" ] || xa_die "$1: the QEMU root has no usr/bin/qemu-system-x86_64"
  {
    echo '#!/bin/sh'
    echo "# Written by bin/cross-arch-test (xa_root_qemu): Debian 13's QEMU from $root."
    echo "exec \"$root/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2\" --library-path \"$root/usr/lib/x86_64-linux-gnu:$root/lib/x86_64-linux-gnu\" \"$root/usr/bin/qemu-system-x86_64\" -L \"$root/usr/share/qemu\" -L \"$root/usr/share/seabios\" \"\$@\""
  } > "$wrapper"
  chmod +x "$wrapper"
  "$wrapper" --version > /dev/null 2>&1 || xa_die "$1: the QEMU root's emulator does not start on this host ($wrapper)"
  XA_QEMU=$wrapper
  xa_say "$1: emulator: $("$wrapper" --version | head -n1)"
}

# Stages the benchmark's job for architecture $1 (AxVisor's Linux config, the kernel, the
# initramfs, bench.sh and bench.env) and sets XA_WRAPPER. $2 is a scratch directory.
xa_linux_bench_job() {
  local arch=$1 scratch=$2 base
  xa_linux_initramfs "$arch"
  rm -rf "$scratch" && mkdir -p "$scratch"
  base=$(xa_linux_config "$arch" "$scratch") || exit 1
  local cmdline size qemu machine blk=virtio-blk-device
  cmdline=$(sed -n 's/^cmdline = "\(.*\)"$/\1/p' "$base")
  # The first region's size (AxVisor's configs have one): [base, size, flags, map_type].
  size=$(sed -n 's/^ *\[\(0x[0-9a-fA-F_]*\), *\(0x[0-9a-fA-F_]*\), *0x7, *[0-9]\].*/\2/p' "$base" | head -n1 | tr -d _)
  [ -n "$cmdline" ] && [ -n "$size" ] || xa_die "--linux-bench: cannot read cmdline and the RAM size from $base"
  case "$arch" in
    aarch64) qemu=qemu-system-aarch64 machine="-M virt,gic-version=3 -cpu host" ;;
    riscv64) qemu=qemu-system-riscv64 machine="-M virt -cpu host -bios none" ;;
    # -kernel Image: the vmlinux, started at its PVH entry. QEMU's pc machine has no virtio-mmio
    # bus: its disk is virtio-blk over PCI (the guest's virtio_pci module is in the initramfs).
    x86_64) qemu=qemu-system-x86_64 machine="-M pc -cpu host,kvm-pv-eoi=off" blk=virtio-blk-pci ;;
  esac
  {
    printf "cmdline=%q\n" "$cmdline"
    echo "mem_mib=$((size / 1048576))"
    echo "qemu_bin=$qemu"
    printf "qemu_machine=%q\n" "$machine"
    echo "qemu_blk_device=$blk"
  } > "$scratch/bench.env"
  # The block benchmark's VM: the same config with the virtio devices, booted to blkbench.
  sed "s/^\(cmdline = \".*\)\"$/\1 axvm.action=blk-bench\"/" "$base" > "$scratch/blk.toml"
  xa_linux_add_virtio "$arch" "$scratch/blk.toml" /tmp/linux-bench/disk.img
  XA_JOB_FILES=("$XA_CACHE/$arch/kernel/Image=linux/Image" "$XA_LINUX_INITRAMFS=linux/initramfs.cpio.gz"
    "$base=linux/boot.toml" "$scratch/blk.toml=linux/blk.toml" "$scratch/bench.env=linux/bench.env"
    "$XA_HOME/linux/bench.sh=linux/bench.sh" "$XA_HOME/linux/tools.sh=linux/tools.sh")
  XA_EXPECT=""
  XA_WRAPPER=(/usr/bin/busybox sh /mnt/job/linux/bench.sh "$arch" /mnt/job/linux --)
}
