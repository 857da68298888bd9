#!/usr/bin/env bash
# Builds postgres:15-bookworm, the PostgreSQL image compose.yaml names, in the Docker Engine at
# DOCKER_HOST, from local files: for machines that reach no image registry (this project's test
# machines and CI). Not the official image, but what compose.yaml relies on from it: Debian
# bookworm's PostgreSQL 15, a first start that creates POSTGRES_USER (with POSTGRES_PASSWORD) and
# POSTGRES_DB in an empty /var/lib/postgresql/data, connections from other containers with that
# password, and pg_isready for the healthcheck.
#   scripts/postgres-base-image.sh CACHE_DIR
# The Debian tree is kept in CACHE_DIR as a tarball (scripts/debian-rootfs.sh).
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: DOCKER_HOST=… $0 CACHE_DIR" >&2; exit 2; }
: "${DOCKER_HOST:?DOCKER_HOST must name the engine to build in}"
# The recipe's version is in the names: change it whenever the debootstrap arguments, the
# Dockerfile or the entrypoint change.
RECIPE=v1
TAG=postgres:15-bookworm

if [ "$(docker image inspect --format '{{index .Config.Labels "partnerplane.base"}}' "$TAG" 2>/dev/null)" = "$RECIPE" ]; then
  echo "$TAG"
  exit 0
fi
tar=$("$(dirname "$0")/debian-rootfs.sh" "$1" "bookworm-postgresql-$RECIPE" --include=postgresql)
context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
docker import "$tar" "partnerplane-base/bookworm-postgresql:$RECIPE" >/dev/null

cat >"$context/docker-entrypoint.sh" <<'ENTRYPOINT'
#!/bin/sh
# Initialises an empty data directory as the official image does, then runs the command (postgres).
set -eu
user=${POSTGRES_USER:-postgres}
db=${POSTGRES_DB:-$user}
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set to initialise the database}"
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  initdb --username="$user" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  echo "listen_addresses = '*'" >>"$PGDATA/postgresql.auto.conf"
  # The setup server listens on no TCP address and on a socket of its own, so that neither other
  # containers nor the healthcheck's pg_isready see a server whose database does not exist yet.
  setup_socket=$(mktemp -d)
  pg_ctl --silent --wait -o "-c listen_addresses='' -c unix_socket_directories=$setup_socket" start
  [ "$db" = postgres ] || createdb --host="$setup_socket" --username="$user" "$db"
  pg_ctl --silent --wait --mode=fast stop
  rmdir "$setup_socket"
fi
exec "$@"
ENTRYPOINT
chmod 755 "$context/docker-entrypoint.sh"

cat >"$context/Dockerfile" <<'DOCKERFILE'
ARG ROOTFS
FROM $ROOTFS
# The package's own cluster (15/main) is not used: the data directory is the volume's.
RUN rm -rf /var/lib/postgresql/15 /etc/postgresql/15 \
 && mkdir -p /var/lib/postgresql/data /run/postgresql \
 && chown postgres:postgres /var/lib/postgresql/data /run/postgresql \
 && chmod 700 /var/lib/postgresql/data
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
USER postgres
VOLUME /var/lib/postgresql/data
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["postgres"]
DOCKERFILE
docker build -q --build-arg "ROOTFS=partnerplane-base/bookworm-postgresql:$RECIPE" --label "partnerplane.base=$RECIPE" -t "$TAG" "$context" >/dev/null
echo "$TAG"
