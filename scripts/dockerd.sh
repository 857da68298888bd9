#!/usr/bin/env bash
# A private Docker Engine for tests and benchmarks, all of it under one directory of its own:
#   scripts/dockerd.sh start DIR   starts dockerd (socket DIR/d.sock) and prints DOCKER_HOST=unix://DIR/d.sock
#   scripts/dockerd.sh stop DIR    stops it and removes what it left (bridge, netns mounts); DIR/data stays
#   scripts/dockerd.sh purge DIR   stop, then remove DIR entirely (images included)
# It never touches another engine: its own socket, data root, exec root, pidfile, and its own bridge
# (two engines sharing docker0 would hand out the same container addresses). --iptables=false keeps
# the host's firewall as it is; published ports still work through docker-proxy.
set -euo pipefail

usage() {
  echo "usage: $0 start|stop|purge DIR" >&2
  exit 2
}
[ $# -eq 2 ] || usage
action=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)
sock="$dir/d.sock"
pidfile="$dir/d.pid"
# Interface names have at most 15 characters: a prefix and a hash of the directory.
bridge="ppd$(printf '%s' "$dir" | sha256sum | cut -c1-8)"

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

answers() { [ -S "$sock" ] && timeout 5 docker -H "unix://$sock" version >/dev/null 2>&1; }

# A /24 in 10.213.0.0/16 that no route of this host uses yet, for this engine's bridge.
free_subnet() {
  local start n third
  start=$((16#$(printf '%s' "$dir" | sha256sum | cut -c1-2)))
  for n in $(seq 0 255); do
    third=$(((start + n) % 256))
    if ! ip -4 route show | grep -q "^10\.213\.$third\."; then
      echo "10.213.$third"
      return
    fi
  done
  echo "no free /24 left in 10.213.0.0/16 for $bridge" >&2
  exit 1
}

start() {
  if running && answers; then
    echo "DOCKER_HOST=unix://$sock"
    return
  fi
  command -v dockerd >/dev/null || { echo "dockerd is not installed (Debian: apt-get install docker.io)" >&2; exit 1; }
  if ! ip link show "$bridge" >/dev/null 2>&1; then
    local subnet
    subnet=$(free_subnet)
    ip link add name "$bridge" type bridge
    ip addr add "$subnet.1/24" dev "$bridge"
  fi
  ip link set "$bridge" up
  mkdir -p "$dir/data" "$dir/exec"
  # setsid: the engine outlives this script and is not stopped by a signal to the caller's group.
  setsid dockerd -H "unix://$sock" --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$pidfile" \
    --iptables=false --ip-masq=false --bridge="$bridge" --storage-driver=overlay2 \
    >"$dir/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 1 150); do
    if answers; then
      echo "DOCKER_HOST=unix://$sock"
      return
    fi
    sleep 0.2
  done
  echo "dockerd did not answer on $sock within 30 s; its log, $dir/dockerd.log, ends:" >&2
  tail -n 20 "$dir/dockerd.log" >&2
  exit 1
}

stop() {
  if running; then
    local pid
    pid=$(cat "$pidfile")
    kill "$pid"
    for _ in $(seq 1 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  # dockerd leaves its network namespaces bound under the exec root.
  if [ -d "$dir/exec" ]; then
    { grep -o " $dir/exec/[^ ]*" /proc/self/mounts || true; } | sort -r | while read -r mountpoint; do umount -l "$mountpoint" || true; done
  fi
  if ip link show "$bridge" >/dev/null 2>&1; then ip link del "$bridge"; fi
  rm -f "$pidfile" "$sock"
}

case "$action" in
  start) start ;;
  stop) stop ;;
  purge)
    stop
    rm -rf "$dir"
    ;;
  *) usage ;;
esac
