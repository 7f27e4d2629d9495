# Sourced by bin/cross-arch-test: a private APT per (suite, architecture) under the cache. The
# host's own sources, preferences, apt.conf.d and dpkg database are never read nor touched: the
# configuration below points every APT directory into $XA_CACHE/apt/<suite>-<arch>/, the dpkg
# status is an empty file (nothing counts as installed), and Essential packages are not added by
# themselves (pkgCacheGen::Essential "none") — a guest root needs only what its packages depend on.
# Downloaded .deb files go to one pool, $XA_CACHE/debs, shared by all suites and architectures.

XA_MIRROR=${XA_MIRROR:-http://deb.debian.org/debian}
XA_KEYRING=${XA_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}

# Writes the configuration for $1 = suite, $2 = Debian architecture; prints the APT_CONFIG path.
xa_apt_config() {
  local suite=$1 arch=$2 d="$XA_CACHE/apt/$1-$2"
  mkdir -p "$d/etc/apt.conf.d" "$d/etc/sources.list.d" "$d/etc/preferences.d" \
           "$d/state/lists/partial" "$d/cache/archives/partial" "$XA_CACHE/debs"
  [ -f "$d/state/status" ] || : > "$d/state/status"
  [ -r "$XA_KEYRING" ] || xa_die "$XA_KEYRING is missing: install debian-archive-keyring"
  echo "deb [arch=$arch signed-by=$XA_KEYRING] $XA_MIRROR $suite main" > "$d/etc/sources.list"
  cat > "$d/apt.conf" <<EOF
// Written by bin/cross-arch-test: a private APT for $suite/$arch guest packages. Do not edit.
Dir::Etc::Parts "$d/etc/apt.conf.d";
Dir::Etc::SourceList "$d/etc/sources.list";
Dir::Etc::SourceParts "$d/etc/sources.list.d";
Dir::Etc::Preferences "$d/etc/preferences";
Dir::Etc::PreferencesParts "$d/etc/preferences.d";
Dir::State "$d/state";
Dir::State::status "$d/state/status";
Dir::Cache "$d/cache";
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT::Architecture "$arch";
APT::Architectures { "$arch"; };
APT::Install-Recommends "false";
APT::Install-Suggests "false";
APT::Sandbox::User "root";
pkgCacheGen::Essential "none";
Acquire::Languages "none";
Acquire::GzipIndexes "true";
Acquire::CompressionTypes::Order { "gz"; };
Acquire::Retries "3";
Acquire::IndexTargets::deb::DEP-11 { DefaultEnabled "false"; };
Acquire::IndexTargets::deb::DEP-11-icons { DefaultEnabled "false"; };
Acquire::IndexTargets::deb::DEP-11-icons-small { DefaultEnabled "false"; };
Acquire::IndexTargets::deb::Contents-deb { DefaultEnabled "false"; };
EOF
  echo "$d/apt.conf"
}

xa_apt_get() { # $1 = APT_CONFIG, rest = apt-get arguments
  local conf=$1; shift
  APT_CONFIG="$conf" apt-get -q -o=Dpkg::Use-Pty=0 "$@"
}

# Refreshes the package lists; when the mirror keeps failing, goes on with the lists of an
# earlier run if there are any (they still name the .deb files in the pool).
xa_apt_update() { # $1 = APT_CONFIG
  local conf=$1
  if xa_retry xa_apt_get "$conf" update >/dev/null; then return 0; fi
  if xa_apt_have_lists "$conf"; then
    xa_say "apt-get update keeps failing; going on with the package lists of an earlier run"
  else
    xa_die "apt-get update failed for $(sed -n 's/^deb //p' "$(dirname "$conf")/etc/sources.list")"
  fi
}

xa_apt_have_lists() { # $1 = APT_CONFIG
  ls "$(dirname "$1")/state/lists/"*_Packages* >/dev/null 2>&1
}

# Whether every package of a closure ("package arch version" lines on stdin) is in the pool.
xa_apt_in_pool() {
  local p a v
  while read -r p a v; do
    [ -f "$(xa_deb_file "$p" "$a" "$v")" ] || return 1
  done
  return 0
}

# Prints "package architecture version" for every package that installing "$@" on an empty
# system needs (the dependency closure, Recommends left out).
xa_apt_closure() { # $1 = APT_CONFIG, rest = package names
  local conf=$1 out; shift
  out=$(xa_apt_get "$conf" -s install "$@" 2>&1) || xa_die "cannot resolve $*:"$'\n'"$out"
  # "Inst libgcc-s1 (14.2.0-19 Debian:13.7/stable [arm64]) []": name, version, [architecture].
  printf '%s\n' "$out" | sed -n 's/^Inst \([^ ]*\) (\([^ ]*\) [^[]*\[\([^]]*\)\]).*/\1 \3 \2/p'
}

# The pool's file name for one package, as APT names it (an epoch's colon becomes %3a).
xa_deb_file() { # $1 package, $2 architecture, $3 version
  printf '%s/debs/%s_%s_%s.deb' "$XA_CACHE" "$1" "${3//:/%3a}" "$2"
}

# Downloads into the pool every package of a closure ("package arch version" lines on stdin)
# that is not there yet; APT checks each file against the signed index.
xa_apt_fetch() { # $1 = APT_CONFIG
  local conf=$1 p a v want=()
  while read -r p a v; do
    [ -f "$(xa_deb_file "$p" "$a" "$v")" ] || want+=("$p:$a=$v")
  done
  [ ${#want[@]} -eq 0 ] && return 0
  xa_say "downloading ${#want[@]} package(s): ${want[*]%%=*}"
  (cd "$XA_CACHE/debs" && xa_retry xa_apt_get "$conf" download "${want[@]}" >/dev/null) \
    || xa_die "could not download: ${want[*]}"
}
