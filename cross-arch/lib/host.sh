# Sourced by bin/cross-arch-test: the host's own tools, installed from the host's Debian sources
# when missing. Only installs; never upgrades what is there (apt-get install --no-upgrade).

# QEMU for the architecture, and a C compiler for it (the initramfs's kvm-holder is built for the
# guest; the shims and test guests need the same compiler).
xa_host_packages() { # $1 = x86_64|aarch64|riscv64
  case "$1" in
    x86_64) echo "qemu-system-x86 cpio xz-utils gcc libc6-dev" ;; # xz: the bzImage's payload
    aarch64) echo "qemu-system-arm cpio gcc-aarch64-linux-gnu libc6-dev-arm64-cross" ;;
    riscv64) echo "qemu-system-misc opensbi cpio xz-utils gcc-riscv64-linux-gnu libc6-dev-riscv64-cross" ;; # trixie ships modules as .ko.xz
  esac
}

# The C compiler that builds static programs for architecture $1's guests.
xa_guest_cc() {
  if [ "$1" = "$(uname -m)" ]; then echo gcc; else echo "$1-linux-gnu-gcc"; fi
}

xa_ensure_host_tools() { # $1 = arch
  local p need=()
  for p in $(xa_host_packages "$1"); do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
  done
  [ ${#need[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || xa_die "missing host packages (${need[*]}) and no apt-get: install them by hand"
  local sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || xa_die "host packages missing (${need[*]}) and not root, no sudo: install them"
    sudo_cmd="sudo"
  fi
  xa_say "installing host packages: ${need[*]}"
  local try
  for try in 1 2 3; do
    if DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get -q -o=Dpkg::Use-Pty=0 update >/dev/null \
      && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get -q -y -o=Dpkg::Use-Pty=0 install \
           --no-install-recommends --no-upgrade "${need[@]}" >/dev/null; then
      return 0
    fi
    xa_say "apt-get failed (try $try of 3; the mirror may be mid-sync), retrying in $((try * 10)) s"
    sleep $((try * 10))
  done
  xa_die "could not install host packages: ${need[*]}"
}
