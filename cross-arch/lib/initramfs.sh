# Sourced by bin/cross-arch-test: the small initramfs that the kernel starts — busybox (static,
# from the guest root's busybox-static), the init script, kvm-holder (static, built here for the
# guest), and the kernel modules for 9p over virtio (and KVM where it is a module). Everything
# else comes over 9p.

xa_prepare_initramfs() { # $1 = arch
  local arch=$1 out="$XA_CACHE/$arch/initramfs.cpio.gz" stamp="$XA_CACHE/$arch/initramfs.stamp"
  local init="$XA_HOME/guest/init" holder="$XA_HOME/guest/kvm-holder.c" recipe cc
  cc=$(xa_guest_cc "$arch")
  recipe="init=$(md5sum < "$init" | cut -c1-32) holder=$(md5sum < "$holder" | cut -c1-32) cc=$cc"
  recipe="$recipe kernel=$(cat "$XA_CACHE/$arch/kernel.stamp")"
  recipe="$recipe busybox=$(grep '^busybox-static ' "$XA_CACHE/$arch/$XA_ROOTFS_NAME/.axvm-packages")"
  xa_stamp_ok "$stamp" "$recipe" && [ -f "$out" ] && return 0

  local stage="$XA_CACHE/$arch/initramfs.stage"
  rm -rf "$stage" && mkdir -p "$stage/bin" "$stage/modules" "$stage/newroot"
  cp "$XA_CACHE/$arch/$XA_ROOTFS_NAME/usr/bin/busybox" "$stage/bin/busybox"
  cp "$init" "$stage/init" && chmod 755 "$stage/init"
  "$cc" -std=c11 -O2 -Wall -Wextra -Werror -static -s -o "$stage/bin/kvm-holder" "$holder" \
    || xa_die "$arch: cannot build $holder with $cc"
  cp "$XA_CACHE/$arch/kernel/modules/"*.ko "$stage/modules/" 2>/dev/null || true
  cp "$XA_CACHE/$arch/kernel/load-order" "$stage/modules/load-order"
  (cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -6 -n) > "$out.new" \
    || xa_die "$arch: cannot write the initramfs"
  mv "$out.new" "$out"
  rm -rf "$stage"
  echo "$recipe" > "$stamp"
  xa_say "$arch: initramfs ready: $(du -h "$out" | cut -f1)"
}
