# Sourced by bin/cross-arch-test: the --linux scenarios. The guest of the guest is the same
# Debian kernel the emulated machine boots, with a tiny initramfs (busybox-static from the guest
# root and cross-arch/linux/init); its configs are AxVisor's own Linux config for the architecture
# (testdata/axvisor-linux/) and variants of it. cross-arch/linux/scenarios.sh runs them inside.

# Builds the Linux guest's initramfs for architecture $1 (cached); sets XA_LINUX_INITRAMFS.
xa_linux_initramfs() {
  local arch=$1 out="$XA_CACHE/$arch/linux-initramfs.cpio.gz" stamp="$XA_CACHE/$arch/linux-initramfs.stamp"
  local init="$XA_HOME/linux/init" recipe
  recipe="init=$(md5sum < "$init" | cut -c1-32) busybox=$(grep '^busybox-static ' "$XA_CACHE/$arch/rootfs/.axvm-packages")"
  XA_LINUX_INITRAMFS=$out
  xa_stamp_ok "$stamp" "$recipe" && [ -f "$out" ] && return 0
  local stage="$XA_CACHE/$arch/linux-initramfs.stage"
  rm -rf "$stage" && mkdir -p "$stage/bin"
  cp "$XA_CACHE/$arch/rootfs/usr/bin/busybox" "$stage/bin/busybox"
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
    "$XA_HOME/linux/scenarios.sh=linux/scenarios.sh")
  local f
  for f in boot smp shell panic; do XA_JOB_FILES+=("$scratch/$f.toml=linux/$f.toml"); done
  for f in "${examples[@]}"; do XA_JOB_FILES+=("${f%%=*}=linux/${f#*=}"); done
  XA_EXPECT=""
  XA_WRAPPER=(/usr/bin/busybox sh /mnt/job/linux/scenarios.sh "$arch" /mnt/job/linux --)
}
