#!/usr/bin/env bash
# A Docker Swarm of two nodes on this one machine, for tests and benchmarks, all of it under DIR:
#   scripts/swarm.sh start DIR          builds it and prints the variables that reach it (also in DIR/env)
#   scripts/swarm.sh stop DIR           stops both engines and removes namespaces, links and mounts; DIR stays
#   scripts/swarm.sh purge DIR          stop, then remove DIR entirely
#   scripts/swarm.sh node-stop DIR N    stops node N's engine only (a node lost: its tasks go elsewhere)
#   scripts/swarm.sh node-start DIR N   starts it again (it rejoins the swarm by itself)
#   scripts/swarm.sh image DIR NAME [CHANGE...]
#                                       imports the busybox tree as image NAME on every node, with
#                                       `docker import --change` lines (e.g. 'CMD ["httpd","-f"]')
#
# Each node is a dockerd started by scripts/dockerd.sh (own socket, data root, exec root, bridge) in a
# network namespace of its own, with its own hostname (unshare --uts): a veth from the namespace to a
# bridge of the host gives it an address (.2 for node 1, .3 for node 2) that the host and the other
# node reach. Node 1 is the manager, node 2 a worker. Putting node 1 in a namespace too, rather than
# on the host, keeps everything Swarm binds (VXLAN 4789/udp, gossip 7946, docker_gwbridge) off the
# host: two of these swarms, or one beside a plain scripts/dockerd.sh engine, never collide.
#
# The kernel of these machines has no IPVS, so a service's virtual IP and the ingress routing mesh do
# not work here: services use --endpoint-mode dnsrr on the attachable overlay network this script
# creates, or ports published in host mode (reached at the node's address). See docs/runtimes.md.
set -euo pipefail

usage() {
  echo "usage: $0 start|stop|purge DIR | node-stop|node-start DIR N | image DIR NAME [CHANGE...]" >&2
  exit 2
}
[ $# -ge 2 ] || usage
action=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)
shift 2
here=$(cd "$(dirname "$0")" && pwd)
hash=$(printf '%s' "$dir" | sha256sum | cut -c1-6)
# Interface and namespace names have at most 15 characters: a prefix and a hash of the directory.
bridge="pps${hash}br"
NODES="1 2"
# The overlay network the apps' services join, and the dispatcher heartbeat: a lost node is Down
# after about three heartbeats, so 2 s (the default is 5 s) moves its tasks within about 10 s.
NETWORK=partnerplane-apps
HEARTBEAT=2s

netns() { echo "pps${hash}n$1"; }
node_dir() { echo "$dir/node$1"; }
socket() { echo "unix://$(node_dir "$1")/d.sock"; }
dk() {
  local node=$1
  shift
  docker -H "$(socket "$node")" "$@"
}

# A /24 in 10.250.0.0/16 that no route of this host uses yet, for the bridge between the nodes.
free_subnet() {
  local start n third
  start=$((16#${hash:0:2}))
  for n in $(seq 0 255); do
    third=$(((start + n) % 256))
    if ! ip -4 route show | grep -q "^10\.250\.$third\."; then
      echo "10.250.$third"
      return
    fi
  done
  echo "no free /24 left in 10.250.0.0/16 for $bridge" >&2
  exit 1
}

# The bridge on the host and, for each node, a namespace with a veth into it (eth0 inside).
network_up() {
  [ -s "$dir/subnet" ] || free_subnet >"$dir/subnet"
  local subnet
  subnet=$(cat "$dir/subnet")
  if ! ip link show "$bridge" >/dev/null 2>&1; then
    ip link add name "$bridge" type bridge
    ip addr add "$subnet.1/24" dev "$bridge"
  fi
  ip link set "$bridge" up
  for n in $NODES; do
    local ns
    ns=$(netns "$n")
    ip netns list | grep -qw "^$ns" && continue
    ip netns add "$ns"
    ip link add "pps${hash}v$n" type veth peer name eth0 netns "$ns"
    ip link set "pps${hash}v$n" master "$bridge" up
    ip -n "$ns" addr add "$subnet.$((n + 1))/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    ip -n "$ns" route add default via "$subnet.1"
  done
}

address() { echo "$(cat "$dir/subnet").$(($1 + 1))"; }

# A task's engine tries to pull its image even when it has it, unless DOCKER_SERVICE_PREFER_OFFLINE_IMAGE
# is 1: no registry is reachable here, and each task would wait about a minute for the pull to fail.
# `ip netns exec` gives the command a fresh /sys, which hides the host's cgroup v1 hierarchies;
# dockerd needs them ("Devices cgroup isn't mounted"), so they are mounted again inside first.
CGROUPS='mount -t tmpfs cgroup /sys/fs/cgroup
for h in cpu cpuacct cpuset memory devices freezer blkio pids; do
  mkdir -p /sys/fs/cgroup/$h && mount -t cgroup -o $h cgroup /sys/fs/cgroup/$h
done
mkdir -p /sys/fs/cgroup/systemd && mount -t cgroup -o none,name=systemd cgroup /sys/fs/cgroup/systemd'

node_start() {
  local n=$1
  ip netns exec "$(netns "$n")" unshare --uts sh -c "$CGROUPS
hostname node$n
export DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1
exec '$here/dockerd.sh' start '$(node_dir "$n")'" >/dev/null
}

node_stop() {
  local n=$1 ns
  ns=$(netns "$n")
  ip netns list | grep -qw "^$ns" || return 0
  ip netns exec "$ns" "$here/dockerd.sh" stop "$(node_dir "$n")"
  # Whatever dockerd left running in the namespace (a shim whose engine was killed) goes with it.
  local pids
  pids=$(ip netns pids "$ns")
  if [ -n "$pids" ]; then kill -9 $pids 2>/dev/null || true; fi
}

# The busybox tree the test images are made of (no registry is reachable): a static busybox and a
# link for each of its applets.
rootfs_tar() {
  local tar="$dir/busybox.tar"
  if [ ! -s "$tar" ]; then
    local tree
    tree=$(mktemp -d "$dir/rootfs.XXXXXX")
    mkdir -p "$tree/bin" "$tree/tmp" "$tree/var/www"
    cp "$(command -v busybox)" "$tree/bin/busybox"
    for applet in $(busybox --list); do [ -e "$tree/bin/$applet" ] || ln -s busybox "$tree/bin/$applet"; done
    tar -C "$tree" -cf "$tar.$$" . && mv "$tar.$$" "$tar"
    rm -rf "$tree"
  fi
  echo "$tar"
}

image() {
  local name=$1 tar
  shift
  tar=$(rootfs_tar)
  local changes=()
  for change in "$@"; do changes+=(--change "$change"); done
  for n in $NODES; do dk "$n" import "${changes[@]}" "$tar" "$name" >/dev/null; done
}

swarm_up() {
  local manager token
  manager=$(address 1)
  if [ "$(dk 1 info --format '{{.Swarm.LocalNodeState}}')" != active ]; then
    dk 1 swarm init --advertise-addr "$manager" --listen-addr "$manager:2377" --dispatcher-heartbeat "$HEARTBEAT" >/dev/null
  fi
  if [ "$(dk 2 info --format '{{.Swarm.LocalNodeState}}')" != active ]; then
    token=$(dk 1 swarm join-token --quiet worker)
    dk 2 swarm join --advertise-addr "$(address 2)" --listen-addr "$(address 2):2377" --token "$token" "$manager:2377" >/dev/null
  fi
  for _ in $(seq 1 100); do
    [ "$(dk 1 node ls --filter role=worker --format '{{.Status}}')" = Ready ] && break
    sleep 0.2
  done
  # Without IPVS the routing mesh cannot work, and an engine stopping waits seconds for the ingress
  # network's removal: there is none, so nothing can publish a port in ingress mode by mistake.
  if dk 1 network inspect ingress >/dev/null 2>&1; then echo y | dk 1 network rm ingress >/dev/null; fi
  if ! dk 1 network inspect "$NETWORK" >/dev/null 2>&1; then
    dk 1 network create --driver overlay --attachable "$NETWORK" >/dev/null
  fi
}

write_env() {
  cat >"$dir/env" <<EOF
DOCKER_HOST=$(socket 1)
PARTNERPLANE_SWARM_NODE2_HOST=$(socket 2)
PARTNERPLANE_SWARM_NETWORK=$NETWORK
PARTNERPLANE_SWARM_NODE1_ADDRESS=$(address 1)
PARTNERPLANE_SWARM_NODE2_ADDRESS=$(address 2)
EOF
  cat "$dir/env"
}

start() {
  command -v dockerd >/dev/null || { echo "dockerd is not installed (Debian: apt-get install docker.io)" >&2; exit 1; }
  network_up
  for n in $NODES; do node_start "$n"; done
  swarm_up
  image partnerplane-test/busybox:swarm 'CMD ["sh"]'
  write_env
}

stop() {
  # Each engine takes 3-4 s to stop (most of it waiting for its containerd), so the two overlap: the
  # manager a second after the worker, which has left the gossip cluster by then (stopped at the same
  # moment, the manager waits 5 s for the worker to hear that it leaves).
  local worker n
  node_stop 2 &
  worker=$!
  sleep 1
  node_stop 1
  wait "$worker"
  for n in $NODES; do ip netns del "$(netns "$n")" 2>/dev/null || true; done
  if ip link show "$bridge" >/dev/null 2>&1; then ip link del "$bridge"; fi
  # `ip netns add` binds /run/netns onto itself and `ip netns del` leaves it: unmounted once no
  # namespace of anyone's is left there.
  if [ -z "$(ip netns list)" ] && grep -q ' /run/netns ' /proc/self/mounts; then
    umount /run/netns 2>/dev/null || true
  fi
}

node_number() {
  case "${1:-}" in
    1 | 2) echo "$1" ;;
    *) usage ;;
  esac
}

case "$action" in
  start) start ;;
  stop) stop ;;
  purge)
    stop
    rm -rf "$dir"
    ;;
  node-stop) node_stop "$(node_number "${1:-}")" ;;
  node-start) node_start "$(node_number "${1:-}")" ;;
  image)
    [ $# -ge 1 ] || usage
    image "$@"
    ;;
  *) usage ;;
esac
