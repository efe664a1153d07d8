# Two clusters on one Docker engine, as with kind or k3d: the second gets a pod network of its own (a free /16, its own
# bridge, labelled with its instance and data dir), its own node name (the host name is taken by the first: it gets
# the data dir's hash), Compose labels per cluster and namespace, and its pods cannot reach the first one's (nor the
# other way round) while pods of one cluster reach each other. A --cluster-cidr another network holds is refused in
# one line, as are a pod or service range holding a DNS server of the host; `dockube delete` removes the second
# cluster's network.
DK_MAIN="$DOCKUBE_MAIN"
dk() { timeout 90 node "$DK_MAIN" "$@"; }
HOST="$(hostname | tr A-Z a-z)"
B_DIR="$(mktemp -d /tmp/dockube-93.XXXXXX)"
rmdir "$B_DIR"
B_PORT="$(free_port)"
B_KC="$B_DIR/kubeconfig.yaml"
kb() { "$KCTL" --kubeconfig "$B_KC" --cache-dir "$CACHE_DIR/b" "$@"; }
json() { node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(process.argv[2].split(".").reduce((o,k)=>o[k],j))' "$@"; }
A_SUBNET="$(json "$DATA_DIR/cluster.json" podNetwork.subnet)"

one_line() {
  local name="$1" pattern="$2"; shift 3
  local out rc
  out="$("$@" 2>&1)"; rc=$?
  if [ "$rc" = 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && grep -Eq -- "$pattern" <<<"$out"; then pass "$name"; else fail "$name (exit $rc)" "$out"; fi
}
one_line "a --cluster-cidr another cluster's network holds is refused" \
  "^Error: --cluster-cidr $A_SUBNET overlaps Docker network dockube-[0-9a-f]{12} \(${A_SUBNET//./\\.}\): choose another range\$" -- \
  dk server --data-dir "$B_DIR" --port 0 --service-cidr 10.90.0.0/16 --cluster-cidr "$A_SUBNET"
expect "... and leaves no data dir" 1 '' -- test -e "$B_DIR"

# The host's DNS servers (--resolv-conf, kubelet's flag; /etc/resolv.conf by default) stay reachable: no pod network
# or service range may cover one, or the bridge would take the host's own lookups. 10.150-10.151 no server here picks.
B_RESOLV="$B_DIR.resolv.conf"
printf 'nameserver 10.150.7.53\nnameserver 10.151.0.10\n' >"$B_RESOLV"
one_line "a --cluster-cidr holding a DNS server of the host is refused" \
  "^Error: --cluster-cidr 10.150.0.0/16 holds the host's DNS server 10.150.7.53 \\($B_RESOLV\\): choose another range\$" -- \
  dk server --data-dir "$B_DIR" --port 0 --service-cidr 10.90.0.0/16 --cluster-cidr 10.150.0.0/16 --resolv-conf "$B_RESOLV"
one_line "... and so is a --service-cidr holding one" \
  "^Error: --service-cidr 10.151.0.0/16 holds the host's DNS server 10.151.0.10 \\($B_RESOLV\\): choose another range\$" -- \
  dk server --data-dir "$B_DIR" --port 0 --service-cidr 10.151.0.0/16 --resolv-conf "$B_RESOLV"
expect "... neither leaves a data dir" 1 '' -- test -e "$B_DIR"
# With a DNS server in each of 10.244-10.255, the second cluster's own network comes from 10.200-10.243.
for i in $(seq 244 255); do echo "nameserver 10.$i.255.53"; done >"$B_RESOLV"

node "$DK_MAIN" server --data-dir "$B_DIR" --port "$B_PORT" --log-level warn --service-cidr 10.90.0.0/16 --resolv-conf "$B_RESOLV" >"$B_DIR.log" 2>&1 &
B_PID=$!
eventually "a second cluster starts on the same engine" 60 "running, pid $B_PID, https" -- dk status --data-dir "$B_DIR"
B_SUBNET="$(json "$B_DIR/cluster.json" podNetwork.subnet)"
B_NET="$(json "$B_DIR/cluster.json" podNetwork.name)"
expect "it has a pod subnet of its own" 0 '^different$' -- bash -c "[ '$A_SUBNET' != '$B_SUBNET' ] && echo different"
expect "... clear of the host's DNS servers" 0 '^10\.(2[0-3][0-9]|24[0-3])\.0\.0/16$' -- echo "$B_SUBNET"
expect "its network is a bridge of its own, labelled with its data dir" 0 "^bridge $B_SUBNET $B_DIR\$" -- \
  docker network inspect "$B_NET" --format '{{.Driver}} {{(index .IPAM.Config 0).Subnet}} {{index .Labels "dockube.io/data-dir"}}'
eventually "its node is named after the host and its data dir (the host name is taken)" 30 "^$HOST-[0-9a-f]{6} +Ready" -- kb get nodes --no-headers
expect "the first cluster's node keeps the host name" 0 "^$HOST +Ready" -- k get nodes --no-headers

pod_yaml() {
  cat <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $1}
spec:
  containers:
  - {name: c, image: dockube/busybox:test, command: [httpd, -f, -p, "8080"]}
YAML
}
k create ns "$NS" >/dev/null
kb create ns "$NS" >/dev/null
pod_yaml a1 | k -n "$NS" apply -f - >/dev/null
pod_yaml a2 | k -n "$NS" apply -f - >/dev/null
pod_yaml b1 | kb -n "$NS" apply -f - >/dev/null
expect "cluster A's pods run" 0 'condition met' -- k -n "$NS" wait --for=condition=Ready pod/a1 pod/a2 --timeout=60s
expect "cluster B's pod runs" 0 'condition met' -- kb -n "$NS" wait --for=condition=Ready pod/b1 --timeout=60s
A2_IP="$(k -n "$NS" get pod a2 -o 'jsonpath={.status.podIP}')"
B1_IP="$(kb -n "$NS" get pod b1 -o 'jsonpath={.status.podIP}')"
A1_IP="$(k -n "$NS" get pod a1 -o 'jsonpath={.status.podIP}')"
reach() { "$1" -n "$NS" exec "$2" -- sh -c "nc -w 2 $3 8080 </dev/null && echo open || echo closed"; }
expect "B's pod IP is in B's subnet" 0 "^${B_SUBNET%.*.*}\." -- echo "$B1_IP"
expect "a pod reaches a pod of its own cluster" 0 '^open$' -- reach k a1 "$A2_IP"
expect "cluster A's pod cannot reach cluster B's" 0 '^closed$' -- reach k a1 "$B1_IP"
expect "cluster B's pod cannot reach cluster A's" 0 '^closed$' -- reach kb b1 "$A1_IP"
expect "Compose labels: one project per cluster and namespace" 0 "^dockube-[0-9a-f]{6}-$NS b1\$" -- \
  docker ps --filter "label=dockube.io/data-dir=$B_DIR" --filter "label=io.kubernetes.container.name=c" \
  --format '{{.Label "com.docker.compose.project"}} {{.Label "com.docker.compose.service"}}'
expect "... not the same project as cluster A's" 1 '' -- bash -c "[ \"\$(docker ps --filter 'label=dockube.io/data-dir=$B_DIR' --format '{{.Label \"com.docker.compose.project\"}}' | sort -u)\" = \"\$(docker ps --filter 'label=dockube.io/data-dir=$DATA_DIR' --format '{{.Label \"com.docker.compose.project\"}}' | sort -u)\" ]"

expect "delete removes the second cluster with its network" 0 '[1-9][0-9]* containers, [0-9]+ volumes, 1 networks' -- dk delete --data-dir "$B_DIR"
wait "$B_PID" 2>/dev/null
expect "its network is gone" 1 '' -- docker network inspect "$B_NET"
expect "cluster A still answers" 0 '^a1 +1/1 +Running' -- k -n "$NS" get pod a1 --no-headers
rm -rf "$B_DIR" "$B_DIR.log" "$B_RESOLV"
