#!/usr/bin/env bash
# Builds node:20-bookworm and node:20-bookworm-slim, the base images the Dockerfile names, in the
# Docker Engine at DOCKER_HOST, from local files: for machines that reach no image registry (this
# project's test machines and CI). Not the official images, but what the Dockerfile relies on:
# Debian bookworm (debootstrap, minbase), this machine's node and npm in /usr/local, a user `node`
# with uid 1000, and for the build image python3, make and g++ (node-gyp) with node's headers.
# Both trust the certificate authorities this machine trusts, so that npm inside a build reaches
# the registry the way this machine does.
#   scripts/node-base-images.sh CACHE_DIR
# The Debian trees are kept in CACHE_DIR as tarballs (scripts/debian-rootfs.sh), so later runs only
# import them.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: DOCKER_HOST=… $0 CACHE_DIR" >&2; exit 2; }
: "${DOCKER_HOST:?DOCKER_HOST must name the engine to build in}"
cache=$1
here=$(dirname "$0")
# The recipe's version is in the names: change it whenever the debootstrap arguments change.
RECIPE=v1

context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
node_bin=$(readlink -f "$(command -v node)")
cp "$node_bin" "$context/node"
cp -a "$(npm root -g)/npm" "$context/npm"
cp -a "$(dirname "$(dirname "$node_bin")")/include/node" "$context/include"
cp "${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}" "$context/ca-certificates.crt"
cat >"$context/Dockerfile" <<'DOCKERFILE'
ARG ROOTFS
FROM $ROOTFS
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY include /usr/local/include/node
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
# node-gyp uses these headers instead of downloading them (no network here but the npm registry).
ENV npm_config_nodedir=/usr/local npm_config_cafile=/etc/ssl/certs/ca-certificates.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --create-home node
CMD ["node"]
DOCKERFILE

# What the images are made of: an engine that has them already from these keeps them (and the
# cache of every build on top of them).
identity="$RECIPE $(sha256sum "$context/node" "$context/ca-certificates.crt" | cut -c1-64 | tr '\n' ' ')$(cat "$context/npm/package.json" | sha256sum | cut -c1-64)"

build() {
  local tag=$1 rootfs_image=$2
  shift 2
  if [ "$(docker image inspect --format '{{index .Config.Labels "partnerplane.base"}}' "$tag" 2>/dev/null)" = "$identity $*" ]; then
    echo "$tag"
    return
  fi
  docker import "$("$here/debian-rootfs.sh" "$cache" "$rootfs_image-$RECIPE" "$@")" "partnerplane-base/$rootfs_image:$RECIPE" >/dev/null
  docker build -q --build-arg "ROOTFS=partnerplane-base/$rootfs_image:$RECIPE" --label "partnerplane.base=$identity $*" -t "$tag" "$context" >/dev/null
  echo "$tag"
}

build node:20-bookworm-slim bookworm-minbase
build node:20-bookworm bookworm-build --include=python3,make,g++,ca-certificates
