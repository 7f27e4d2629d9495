# Sourced by bin/cross-arch-test: the guest's root file system, made of Debian packages unpacked
# with dpkg -x (no maintainer scripts run: java needs none of them). The guest mounts it over 9p,
# read-only, so one unpacked copy per architecture serves every run.

# dtc and e2fsprogs: the --linux scenarios read the generated trees, and make and check the virtio disk
XA_ROOTFS_PACKAGES="openjdk-25-jre-headless busybox-static device-tree-compiler e2fsprogs"
XA_ROOTFS_FORMAT=2 # bump when the layout below changes, so that cached roots are remade
XA_ROOTFS_NAME=rootfs # the directory under the architecture's cache; --linux-bench uses a second root
XA_ROOTFS_EXTRA=""    # more packages, for that second root only (QEMU)

xa_prepare_rootfs() { # $1 = arch (aarch64|riscv64), $2 = Debian arch, $3 = suite
  local arch=$1 debarch=$2 suite=$3
  local dir="$XA_CACHE/$arch/$XA_ROOTFS_NAME" stamp="$XA_CACHE/$arch/$XA_ROOTFS_NAME.stamp"
  local packages="$XA_ROOTFS_PACKAGES${XA_ROOTFS_EXTRA:+ $XA_ROOTFS_EXTRA}"
  local recipe="format=$XA_ROOTFS_FORMAT suite=$suite arch=$debarch packages=$packages"
  xa_stamp_ok "$stamp" "$recipe" && [ -d "$dir/usr" ] && return 0

  local t0 conf closure p a v
  t0=$(xa_now)
  xa_say "$arch: preparing the guest root ($suite/$debarch: $packages and their dependencies)"
  conf=$(xa_apt_config "$suite" "$debarch")
  # Lists from an earlier run whose whole closure is in the pool need no network.
  closure=""
  if xa_apt_have_lists "$conf"; then
    closure=$(xa_apt_closure "$conf" $packages 2>/dev/null) || closure=""
  fi
  if [ -z "$closure" ] || ! xa_apt_in_pool <<< "$closure"; then
    xa_apt_update "$conf"
    closure=$(xa_apt_closure "$conf" $packages)
  fi
  [ -n "$closure" ] || xa_die "$arch: the closure of $packages is empty"
  printf '%s\n' "$closure" | xa_apt_fetch "$conf"

  rm -f "$stamp"
  rm -rf "$dir" "$dir.new"
  mkdir -p "$dir.new"
  while read -r p a v; do
    dpkg-deb -x "$(xa_deb_file "$p" "$a" "$v")" "$dir.new" || xa_die "$arch: cannot unpack $p $v"
  done <<< "$closure"
  xa_merge_usr "$dir.new"
  # Only for people: no guest program reads them.
  rm -rf "$dir.new/usr/share/doc" "$dir.new/usr/share/man" "$dir.new/usr/share/locale" \
         "$dir.new/usr/share/info" "$dir.new/usr/share/lintian"
  # The CDS archives for heaps over 32 GiB and for compact object headers (48 MB): a guest with
  # 2 GiB never maps them, and a JVM that would just starts without CDS.
  rm -f "$dir.new"/usr/lib/jvm/java-25-openjdk-"$debarch"/lib/server/classes_nocoops*.jsa \
        "$dir.new"/usr/lib/jvm/java-25-openjdk-"$debarch"/lib/server/classes_coh.jsa
  # Mount points for the init in the initramfs (the root is read-only in the guest).
  mkdir -p "$dir.new/proc" "$dir.new/sys" "$dir.new/dev" "$dir.new/tmp" "$dir.new/mnt/job" "$dir.new/mnt/out"
  ls -d "$dir.new/usr/lib/jvm/java-25-openjdk-$debarch/bin/java" >/dev/null 2>&1 \
    || xa_die "$arch: no usr/lib/jvm/java-25-openjdk-$debarch/bin/java after unpacking"
  [ -x "$dir.new/usr/bin/busybox" ] || xa_die "$arch: no usr/bin/busybox after unpacking busybox-static"
  printf '%s\n' "$closure" > "$dir.new/.axvm-packages"
  mv "$dir.new" "$dir"
  echo "$recipe" > "$stamp"
  xa_say "$arch: guest root ready: $(wc -l <<< "$closure") packages, $(du -sh "$dir" | cut -f1) ($(xa_elapsed "$t0") s)"
}

# Debian 13 is merged-/usr: programs look for /lib/ld-linux-*.so.1 and /bin/sh. The packages ship
# (almost) everything under usr/, and the top-level links come from base-files, which a guest root
# does not need; so: move whatever a package did put at the top into usr/, and link.
xa_merge_usr() { # $1 = root
  local d
  for d in bin sbin lib lib64; do
    if [ -d "$1/$d" ] && [ ! -L "$1/$d" ]; then
      mkdir -p "$1/usr/$d"
      cp -a "$1/$d/." "$1/usr/$d/"
      rm -rf "${1:?}/$d"
    fi
    [ -e "$1/usr/$d" ] && [ ! -e "$1/$d" ] && ln -s "usr/$d" "$1/$d"
  done
  return 0
}
