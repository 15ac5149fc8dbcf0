#!/usr/bin/env bash
# Builds the vendored pacman 7.0 (vendor/pacman-7.0.0) once per machine and prints its prefix.
#
# The prefix lives outside the clone and is named after the tarball's hash, so every clone and every later
# run on the same machine reuses one build, and a new tarball gets a new prefix. PACMAN_SYNC_PACMAN7_PREFIX
# names another prefix (built there when it is not complete yet). The binaries carry a RUNPATH to their own
# libalpm, so they run without LD_LIBRARY_PATH (which sudo and fakeroot would not pass on anyway).
#
# Needs (Debian): meson ninja-build libarchive-dev libcurl4-openssl-dev libgpgme-dev libssl-dev pkg-config,
# and a C compiler. Fails with that list when something is missing; never builds half a prefix silently.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
tarball=$repo/vendor/pacman-7.0.0/pacman-7.0.0-src.tar.gz
hash=$(sha256sum "$tarball" | cut -c1-16)
prefix=${PACMAN_SYNC_PACMAN7_PREFIX:-/var/tmp/pacman-sync-pacman-7.0.0-$hash}
stamp=$prefix/.pacman-sync-build

complete() { [[ -f $stamp && $(cat "$stamp") == "$hash" && -x $prefix/bin/pacman ]]; }

if complete; then
  echo "$prefix"
  exit 0
fi

missing=()
for tool in meson ninja pkg-config cc; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if command -v pkg-config >/dev/null; then
  for module in libarchive libcurl gpgme libcrypto; do
    pkg-config --exists "$module" || missing+=("$module (pkg-config)")
  done
fi
if ((${#missing[@]})); then
  echo "build-pacman7: cannot build pacman 7.0, missing: ${missing[*]}" >&2
  echo "build-pacman7: on Debian, as root: apt-get install meson ninja-build libarchive-dev" \
    "libcurl4-openssl-dev libgpgme-dev libssl-dev pkg-config gcc" >&2
  exit 1
fi

mkdir -p "$(dirname "$prefix")"
# Two test runs starting at once build once: the second waits here, then finds the prefix complete.
exec 9>"$prefix.lock"
flock 9
if complete; then
  echo "$prefix"
  exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/pacman-sync-pacman7-build-XXXXXX")
trap 'rm -rf "$work"' EXIT
tar -xzf "$tarball" -C "$work"
rm -rf "$prefix"
multiarch=$(cc -print-multiarch 2>/dev/null || true)
libdir=lib${multiarch:+/$multiarch}
echo "build-pacman7: building pacman 7.0 into $prefix" >&2
# The prefix is compiled into pacman (hook and makepkg paths), so it is built in place, and only the stamp
# written last says it is complete. sysconfdir and localstatedir stay /etc and /var: every test passes its
# own --config, --dbpath, --cachedir, --hookdir and --logfile.
LDFLAGS="-Wl,-rpath,\$ORIGIN/../$libdir" meson setup "$work/build" "$work/pacman-7.0.0" \
  --prefix="$prefix" --libdir="$libdir" -Ddoc=disabled -Di18n=false -Dscriptlet-shell=/bin/bash \
  >"$work/build.log" 2>&1 || {
  cat "$work/build.log" >&2
  exit 1
}
ninja -C "$work/build" install >>"$work/build.log" 2>&1 || {
  tail -n 50 "$work/build.log" >&2
  exit 1
}
chmod -R go+rX,go-w "$prefix"
version=$(env -u LD_LIBRARY_PATH "$prefix/bin/pacman" -V | grep -o 'Pacman v[^ ]* - libalpm v[^ ]*' || true)
if [[ $version != 'Pacman v7.0.0 - libalpm v15.0.0' ]]; then
  echo "build-pacman7: $prefix/bin/pacman -V says '$version', expected 'Pacman v7.0.0 - libalpm v15.0.0'" >&2
  exit 1
fi
echo "$hash" >"$stamp"
echo "$prefix"
