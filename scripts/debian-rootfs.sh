#!/usr/bin/env bash
# Prints the path of a Debian bookworm tree (debootstrap --variant=minbase) as a tarball in
# CACHE_DIR, making it first if it is not there: the base images' scripts (node-base-images.sh,
# postgres-base-image.sh) import it, since no image registry is reachable on the test machines.
#   scripts/debian-rootfs.sh CACHE_DIR NAME [DEBOOTSTRAP_ARGS…]
# NAME must change whenever the arguments do (put a recipe version in it): the tarball is kept,
# written whole and then renamed, so that later runs only import it.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 CACHE_DIR NAME [DEBOOTSTRAP_ARGS…]" >&2; exit 2; }
mkdir -p "$1"
cache=$(cd "$1" && pwd)
name=$2
shift 2
tar="$cache/$name.tar"
if [ ! -s "$tar" ]; then
  dir=$(mktemp -d "$cache/$name.XXXXXX")
  if ! debootstrap --variant=minbase "$@" bookworm "$dir" http://deb.debian.org/debian >"$dir.log" 2>&1; then
    tail -n 20 "$dir.log" >&2
    rm -rf "$dir" "$dir.log"
    exit 1
  fi
  tar -C "$dir" -cf "$tar.$$" . && mv "$tar.$$" "$tar"
  rm -rf "$dir" "$dir.log"
fi
echo "$tar"
