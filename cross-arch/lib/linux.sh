# Sourced by bin/cross-arch-test: the --linux scenarios. The guest of the guest is the same
# Debian kernel the emulated machine boots, with a tiny initramfs (busybox-static from the guest
# root and cross-arch/linux/init); its configs are AxVisor's own Linux config for the architecture
# (testdata/axvisor-linux/) and variants of it. cross-arch/linux/scenarios.sh runs them inside.

# Builds the Linux guest's initramfs for architecture $1 (cached); sets XA_LINUX_INITRAMFS.
xa_linux_initramfs() {
  local arch=$1 out="$XA_CACHE/$arch/linux-initramfs.cpio.gz" stamp="$XA_CACHE/$arch/linux-initramfs.stamp"
  local init="$XA_HOME/linux/init" recipe
  recipe="init=$(md5sum < "$init" | cut -c1-32) busybox=$(grep '^busybox-static ' "$XA_CACHE/$arch/$XA_ROOTFS_NAME/.axvm-packages")"
  XA_LINUX_INITRAMFS=$out
  xa_stamp_ok "$stamp" "$recipe" && [ -f "$out" ] && return 0
  local stage="$XA_CACHE/$arch/linux-initramfs.stage"
  rm -rf "$stage" && mkdir -p "$stage/bin"
  cp "$XA_CACHE/$arch/$XA_ROOTFS_NAME/usr/bin/busybox" "$stage/bin/busybox"
  cp "$init" "$stage/init" && chmod 755 "$stage/init"
  (cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -6 -n) > "$out.new" \
    || xa_die "$arch: cannot write the Linux guest's initramfs"
  mv "$out.new" "$out"
  rm -rf "$stage"
  echo "$recipe" > "$stamp"
}

# Stages the Linux scenarios' job for architecture $1 into XA_JOB_FILES (under linux/) and sets
# XA_WRAPPER to run scenarios.sh around the app. $2 is a scratch directory for the configs.
xa_linux_job() {
  local arch=$1 scratch=$2 base="$XA_ROOT/testdata/axvisor-linux/linux-$1-qemu-smp1.toml"
  [ -f "$base" ] || xa_die "--linux: no Linux config for $arch ($base)"
  xa_linux_initramfs "$arch"
  rm -rf "$scratch" && mkdir -p "$scratch"
  cp "$base" "$scratch/boot.toml"
  # Variants: two vCPUs; a shell on the console; a panic. Only these keys differ.
  sed -e 's/^cpu_num = 1$/cpu_num = 2/' -e 's/^phys_cpu_ids = \[0\]$/phys_cpu_ids = [0, 1]/' "$base" > "$scratch/smp.toml"
  grep -q '^cpu_num = 2$' "$scratch/smp.toml" || xa_die "--linux: $base has no 'cpu_num = 1' line to vary"
  local action
  for action in shell panic; do
    sed "s/^\(cmdline = \".*\)\"$/\1 axvm.action=$action\"/" "$base" > "$scratch/$action.toml"
    grep -q "axvm.action=$action\"$" "$scratch/$action.toml" || xa_die "--linux: $base has no one-line cmdline to vary"
  done
  xa_example "$arch" # the example VM's device tree is checked too
  local examples=("${XA_JOB_FILES[@]}")
  XA_JOB_FILES=("$XA_CACHE/$arch/kernel/Image=linux/Image" "$XA_LINUX_INITRAMFS=linux/initramfs.cpio.gz"
    "$XA_HOME/linux/scenarios.sh=linux/scenarios.sh" "$XA_HOME/linux/tools.sh=linux/tools.sh")
  local f
  for f in boot smp shell panic; do XA_JOB_FILES+=("$scratch/$f.toml=linux/$f.toml"); done
  for f in "${examples[@]}"; do XA_JOB_FILES+=("${f%%=*}=linux/${f#*=}"); done
  XA_EXPECT=""
  XA_WRAPPER=(/usr/bin/busybox sh /mnt/job/linux/scenarios.sh "$arch" /mnt/job/linux --)
}

# --linux-bench: the QEMU packages for architecture $1 (added to a second guest root, so that the
# other modes' root stays small).
xa_linux_bench_root() {
  XA_ROOTFS_NAME=rootfs-qemu
  case "$1" in
    aarch64) XA_ROOTFS_EXTRA=qemu-system-arm ;;
    riscv64) XA_ROOTFS_EXTRA=qemu-system-misc ;;
  esac
}

# Stages the benchmark's job for architecture $1 (AxVisor's Linux config, the kernel, the
# initramfs, bench.sh and bench.env) and sets XA_WRAPPER. $2 is a scratch directory.
xa_linux_bench_job() {
  local arch=$1 scratch=$2 base="$XA_ROOT/testdata/axvisor-linux/linux-$1-qemu-smp1.toml"
  [ -f "$base" ] || xa_die "--linux-bench: no Linux config for $arch ($base)"
  xa_linux_initramfs "$arch"
  rm -rf "$scratch" && mkdir -p "$scratch"
  local cmdline size qemu machine
  cmdline=$(sed -n 's/^cmdline = "\(.*\)"$/\1/p' "$base")
  # The first region's size (AxVisor's configs have one): [base, size, flags, map_type].
  size=$(sed -n 's/^ *\[\(0x[0-9a-fA-F_]*\), *\(0x[0-9a-fA-F_]*\), *0x7, *[0-9]\].*/\2/p' "$base" | head -n1 | tr -d _)
  [ -n "$cmdline" ] && [ -n "$size" ] || xa_die "--linux-bench: cannot read cmdline and the RAM size from $base"
  case "$arch" in
    aarch64) qemu=qemu-system-aarch64 machine="-M virt,gic-version=3 -cpu host" ;;
    riscv64) qemu=qemu-system-riscv64 machine="-M virt -cpu host -bios none" ;;
  esac
  {
    printf "cmdline=%q\n" "$cmdline"
    echo "mem_mib=$((size / 1048576))"
    echo "qemu_bin=$qemu"
    printf "qemu_machine=%q\n" "$machine"
  } > "$scratch/bench.env"
  XA_JOB_FILES=("$XA_CACHE/$arch/kernel/Image=linux/Image" "$XA_LINUX_INITRAMFS=linux/initramfs.cpio.gz"
    "$base=linux/boot.toml" "$scratch/bench.env=linux/bench.env" "$XA_HOME/linux/bench.sh=linux/bench.sh"
    "$XA_HOME/linux/tools.sh=linux/tools.sh")
  XA_EXPECT=""
  XA_WRAPPER=(/usr/bin/busybox sh /mnt/job/linux/bench.sh "$arch" /mnt/job/linux --)
}
