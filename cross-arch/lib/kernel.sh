# Sourced by bin/cross-arch-test: the guest kernel, taken from Debian's linux-image package, and
# the few modules the guest needs (with every module they depend on), decompressed so that
# busybox insmod can load them.

XA_KERNEL_FORMAT=2

xa_prepare_kernel() { # $1 arch, $2 Debian arch, $3 suite, $4 meta package, rest: module names
  local arch=$1 debarch=$2 suite=$3 meta=$4; shift 4
  local want="$*" dir="$XA_CACHE/$arch/kernel" stamp="$XA_CACHE/$arch/kernel.stamp"
  local recipe="format=$XA_KERNEL_FORMAT suite=$suite arch=$debarch package=$meta modules=$want"
  # amd64 keeps the bzImage too: the --linux scenarios boot it as well as the vmlinux cut out of it.
  [ "$debarch" = amd64 ] && recipe="$recipe bzimage=kept"
  xa_stamp_ok "$stamp" "$recipe" && [ -f "$dir/Image" ] && return 0

  local t0 conf deb pkg="" ver="" parch=""
  t0=$(xa_now)
  xa_say "$arch: preparing the guest kernel ($suite/$debarch $meta; modules: ${want:-none})"
  conf=$(xa_apt_config "$suite" "$debarch")
  # Lists from an earlier run whose kernel package is in the pool need no network.
  if ! xa_apt_have_lists "$conf" || ! xa_kernel_package "$conf" "$meta" || [ ! -f "$(xa_deb_file "$pkg" "$parch" "$ver")" ]; then
    xa_apt_update "$conf"
    xa_kernel_package "$conf" "$meta" || xa_die "$arch: $meta has no installable image package in $suite/$debarch"
  fi
  echo "$pkg $parch $ver" | xa_apt_fetch "$conf"
  deb=$(xa_deb_file "$pkg" "$parch" "$ver")

  rm -f "$stamp"
  rm -rf "$dir" "$dir.new" "$dir.tmp"
  mkdir -p "$dir.new/modules" "$dir.tmp"
  # The package has no modules.dep (its postinst runs depmod): unpack the kernel and its modules
  # (not the device trees), and follow each module's own "depends=" list instead.
  dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir.tmp" --exclude='./usr/lib/linux-image-*' \
    || xa_die "$arch: cannot unpack $deb"
  local image config order moddir
  image=$(ls "$dir.tmp"/boot/vmlinu* 2>/dev/null | head -n1)
  config=$(ls "$dir.tmp"/boot/config-* 2>/dev/null | head -n1)
  order=$(find "$dir.tmp" -path '*/modules/*/modules.order' | head -n1)
  [ -n "$image" ] && [ -n "$config" ] && [ -n "$order" ] \
    || xa_die "$arch: $deb has no boot/vmlinu*, boot/config-* or modules.order"
  moddir=$(dirname "$order")

  grep -Eq '^CONFIG_KVM=(y|m)$' "$config" || xa_die "$arch: $pkg is built without KVM ($(basename "$config"))"
  grep -q '^CONFIG_KVM=y$' "$config" && want=$(printf '%s\n' $want | awk '$0 != "kvm"' | tr '\n' ' ')

  XA_SEEN="" XA_LOAD=""
  local m
  for m in $want; do xa_module_resolve "$arch" "$moddir" "$m"; done
  local f base
  : > "$dir.new/load-order"
  for f in $XA_LOAD; do
    base=$(basename "$f"); base=${base%%.ko*}
    xa_ko_cat "$f" > "$dir.new/modules/$base.ko" || xa_die "$arch: cannot decompress $f"
    echo "$base.ko" >> "$dir.new/load-order"
  done

  xa_kernel_image "$arch" "$image" "$dir.new/Image"
  if [ "$debarch" = amd64 ]; then cp "$image" "$dir.new/bzImage"; fi
  cp "$config" "$dir.new/config"
  echo "$pkg $ver" > "$dir.new/package"
  rm -rf "$dir.tmp"
  mv "$dir.new" "$dir"
  echo "$recipe" > "$stamp"
  xa_say "$arch: guest kernel ready: $pkg $ver, modules: $(tr '\n' ' ' < "$dir/load-order")($(xa_elapsed "$t0") s)"
}

# Sets pkg, ver and parch (the caller's locals) to the image package that meta package $2
# depends on — exactly one versioned linux-image package: that is the kernel.
xa_kernel_package() { # $1 APT_CONFIG, $2 meta package
  pkg=$(APT_CONFIG="$1" apt-cache show --no-all-versions "$2" 2>/dev/null \
        | sed -n 's/^Depends: //p' | head -n1 | sed 's/[ ,|(].*//')
  [ -n "$pkg" ] || return 1
  ver=$(APT_CONFIG="$1" apt-cache show --no-all-versions "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | head -n1)
  parch=$(APT_CONFIG="$1" apt-cache show --no-all-versions "$pkg" 2>/dev/null | sed -n 's/^Architecture: //p' | head -n1)
  [ -n "$ver" ] && [ -n "$parch" ]
}

# Appends module $3's file to XA_LOAD after the files of the modules it depends on (each once,
# XA_SEEN remembers); a module built into the kernel needs nothing, an unknown one is an error.
xa_module_resolve() { # $1 arch, $2 modules directory, $3 module name
  local arch=$1 moddir=$2 name=${3//-/_} entry f d
  case " $XA_SEEN " in *" $name "*) return 0 ;; esac
  XA_SEEN="$XA_SEEN $name"
  entry=$(xa_module_entry "$moddir/modules.order" "$name")
  if [ -z "$entry" ]; then
    [ -n "$(xa_module_entry "$moddir/modules.builtin" "$name")" ] && return 0
    xa_die "$arch: module $3 is neither in modules.order nor built in"
  fi
  f=$(ls "$moddir/${entry%%.ko*}".ko* 2>/dev/null | head -n1)
  [ -n "$f" ] || xa_die "$arch: modules.order names $entry but the package has no such file"
  for d in $(xa_ko_cat "$f" | tr '\0' '\n' | sed -n 's/^depends=//p' | tr ',' ' '); do
    xa_module_resolve "$arch" "$moddir" "$d"
  done
  XA_LOAD="$XA_LOAD $f"
}

# The line of a modules.order/modules.builtin file that names module $2 (- and _ are the same).
xa_module_entry() {
  awk -v n="$2" '{ b = $0; sub(/.*\//, "", b); sub(/\.ko.*$/, "", b); gsub(/-/, "_", b)
                   if (b == n) { print; exit } }' "$1"
}

xa_ko_cat() { # $1 module file, plain or compressed
  case "$1" in
    *.ko.xz) xz -dc "$1" ;;
    *.ko.zst) zstd -qdc "$1" ;;
    *.ko.gz) gzip -dc "$1" ;;
    *) cat "$1" ;;
  esac
}

# Writes the image QEMU boots fastest: the raw Image on arm64 (Debian ships it gzip-compressed)
# and riscv64; on amd64 the ELF vmlinux cut out of the bzImage, which QEMU starts at its PVH entry
# note (under emulation the bzImage's own decompression costs ~4 s per boot).
xa_kernel_image() { # $1 arch, $2 the package's image, $3 where the bootable image goes
  local arch=$1 image=$2 out=$3
  if [ "$(xa_hex "$image" 0 2)" = "1f8b" ]; then
    gzip -dc "$image" > "$out" || xa_die "$arch: cannot decompress $image"
  elif [ "$(xa_hex "$image" 514 4)" = "48647253" ]; then # "HdrS": an x86 bzImage
    xa_bzimage_vmlinux "$arch" "$image" "$out"
  else
    cp "$image" "$out"
  fi
}

# The payload of a bzImage starts payload_offset (setup header, 0x248) bytes into the
# protected-mode part, which follows the (setup_sects + 1) sectors of the real-mode part.
xa_bzimage_vmlinux() { # $1 arch, $2 bzImage, $3 vmlinux
  local arch=$1 image=$2 out=$3 sects offset length start magic
  sects=$((16#$(xa_hex "$image" 497 1)))
  [ "$sects" -eq 0 ] && sects=4
  offset=$(xa_le32 "$image" 584) length=$(xa_le32 "$image" 588)
  start=$(( (sects + 1) * 512 + offset ))
  magic=$(xa_hex "$image" "$start" 6)
  local unpack
  case "$magic" in
    fd377a585a00) unpack="xz -dc" ;;
    1f8b*) unpack="gzip -dc" ;;
    28b52ffd*) unpack="zstd -qdc" ;;
    *) xa_die "$arch: $image: payload at offset $start has an unknown compression (magic $magic)" ;;
  esac
  # The build appends the uncompressed size (4 bytes) to the compressed stream: not part of it.
  dd if="$image" bs=64K iflag=skip_bytes,count_bytes skip="$start" count=$((length - 4)) status=none \
    | $unpack > "$out" \
    || xa_die "$arch: cannot unpack the payload of $image ($unpack, offset $start, $length bytes)"
  [ "$(xa_hex "$out" 0 4)" = "7f454c46" ] || xa_die "$arch: the payload of $image is not an ELF vmlinux"
}

xa_hex() { od -An -tx1 -j "$2" -N "$3" "$1" | tr -d ' \n'; } # $1 file, $2 offset, $3 bytes

xa_le32() { # $1 file, $2 offset: a little-endian u32, in decimal
  local h; h=$(xa_hex "$1" "$2" 4)
  echo $((16#${h:6:2}${h:4:2}${h:2:2}${h:0:2}))
}
