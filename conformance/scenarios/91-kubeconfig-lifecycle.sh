# The kubeconfig as kind and k3d keep it: a restart leaves it alone (a user's `kubectl config set-context --namespace`
# stays), a changed server URL rewrites it keeping that namespace (in --write-kubeconfig-mode's mode); `dockube
# kubeconfig merge` adds the cluster to a kubeconfig with other contexts and keeps them, `print` prints it.
# `dockube version`, `status`, `stop` (pods keep running) and `--help` of each command.
DK_MAIN="$DOCKUBE_MAIN"
dk() { timeout 90 node "$DK_MAIN" "$@"; }
TMP91="$(mktemp -d /tmp/dockube-91.XXXXXX)"
# restart PORT [flags]: this scenario's server again on its data dir, without removing the kubeconfig.
restart() {
  local port="$1"; shift
  stop_server
  node "$DK_MAIN" server --data-dir "$DATA_DIR" --port "$port" --log-level warn --service-cidr "$SERVICE_CIDR" "$@" >>"$DATA_DIR/server.log" 2>&1 &
  SERVER_PID=$!
  eventually "the server runs again (port $port)" 60 "running, pid $SERVER_PID, https://127.0.0.1:$port" -- dk status --data-dir "$DATA_DIR"
}

for c in server version status stop delete; do
  expect "dockube $c --help" 0 "^Usage: dockube $c" -- dk "$c" --help
done
expect "dockube kubeconfig merge --help" 0 '^Usage: dockube kubeconfig merge' -- dk kubeconfig merge --help
expect "an unknown flag is refused with exit 2" 2 '^Error: unknown flag: --nope' -- dk status --nope

k create ns "$NS" >/dev/null
expect "set a namespace on the admin context" 0 'modified' -- k config set-context dockube --namespace "$NS"
SUM="$(md5sum <"$KC")"
restart "$PORT"
expect "a restart leaves the kubeconfig as it was" 0 "^$SUM\$" -- md5sum <"$KC"
expect "... with the user's namespace" 0 "^$NS\$" -- k config view --minify -o 'jsonpath={.contexts[0].context.namespace}'

NEWPORT="$(free_port)"
restart "$NEWPORT" --write-kubeconfig-mode 644
eventually "a new port rewrites the kubeconfig's server" 10 "^https://127.0.0.1:$NEWPORT\$" -- k config view --minify -o 'jsonpath={.clusters[0].cluster.server}'
expect "... keeping the user's namespace" 0 "^$NS\$" -- k config view --minify -o 'jsonpath={.contexts[0].context.namespace}'
expect "... and it works" 0 "^$NS " -- k get ns "$NS" --no-headers
expect "--write-kubeconfig-mode 644" 0 '^644$' -- stat -c %a "$KC"
PORT="$NEWPORT"

# merge into a kubeconfig that has another cluster and context.
OTHER="$TMP91/config"
"$KCTL" --kubeconfig "$OTHER" config set-cluster elsewhere --server https://127.0.0.1:1 >/dev/null
"$KCTL" --kubeconfig "$OTHER" config set-credentials elsewhere --token x >/dev/null
"$KCTL" --kubeconfig "$OTHER" config set-context elsewhere --cluster elsewhere --user elsewhere --namespace kept >/dev/null
"$KCTL" --kubeconfig "$OTHER" config use-context elsewhere >/dev/null
expect "kubeconfig merge --name c91" 0 "merged cluster \"c91\" into $OTHER; current context: c91" -- \
  dk kubeconfig merge --data-dir "$DATA_DIR" --kubeconfig "$OTHER" --name c91
expect "the merged file keeps the other context" 0 '^c91 c91-admin-token c91-monitoring c91-view elsewhere $' -- \
  bash -c "'$KCTL' --kubeconfig '$OTHER' config get-contexts -o name | sort | tr '\n' ' '"
expect "... with its namespace" 0 '^kept$' -- "$KCTL" --kubeconfig "$OTHER" config view -o 'jsonpath={.contexts[?(@.name=="elsewhere")].context.namespace}'
expect "the merged context reaches the cluster" 0 '^default ' -- "$KCTL" --kubeconfig "$OTHER" --cache-dir "$CACHE_DIR" get ns default --no-headers
expect "the read-only user came along" 1 '^no$' -- "$KCTL" --kubeconfig "$OTHER" --cache-dir "$CACHE_DIR" --context c91-view auth can-i create pods
"$KCTL" --kubeconfig "$OTHER" config use-context elsewhere >/dev/null
expect "merging again with --switch-context=false keeps the user's current context" 0 'current context: elsewhere' -- \
  env KUBECONFIG="$OTHER" timeout 60 node "$DK_MAIN" kubeconfig merge --data-dir "$DATA_DIR" --name c91 --switch-context=false
expect "... and adds nothing twice" 0 '^5$' -- bash -c "'$KCTL' --kubeconfig '$OTHER' config get-contexts -o name | wc -l"
dk kubeconfig print --data-dir "$DATA_DIR" >"$TMP91/printed"
expect "kubeconfig print gives a working kubeconfig" 0 '^default ' -- "$KCTL" --kubeconfig "$TMP91/printed" --cache-dir "$CACHE_DIR" get ns default --no-headers

# version, status, stop.
expect "version names dockube, the Kubernetes API and the Docker engine" 0 \
  "Kubernetes API: $(k version -o json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).serverVersion.gitVersion))')" -- dk version
DOCKER_VERSION="$(docker version --format '{{.Server.Version}}')"
expect "... with the engine's version" 0 '' -- bash -c "node '$DK_MAIN' version | grep -F 'Docker engine: $DOCKER_VERSION (API '"
k -n "$NS" run p91 --image=dockube/busybox:test --restart=Never -- sleep 3600 >/dev/null
expect "the pod runs" 0 'condition met' -- k -n "$NS" wait --for=condition=Ready pod/p91 --timeout=60s
expect "status: running, address, node, pods" 0 "pods: 1 \(1 Running\)" -- dk status --data-dir "$DATA_DIR"
expect "status names the Ready node" 0 "^nodes: .* \(Ready\)\$" -- dk status --data-dir "$DATA_DIR"
expect "stop sends SIGTERM and waits" 0 "stopped \(pid $SERVER_PID\)" -- dk stop --data-dir "$DATA_DIR"
SERVER_PID=
expect "status after stop: not running, exit 3" 3 'not running' -- dk status --data-dir "$DATA_DIR"
expect "the pod's containers keep running" 0 'k8s_p91' -- docker ps --filter "label=dockube.io/data-dir=$DATA_DIR" --format '{{.Names}}'
expect "stop again: nothing to stop" 0 'not running' -- dk stop --data-dir "$DATA_DIR"
expect "status of a dir without a cluster, exit 1" 1 'no dockube cluster in' -- dk status --data-dir "$TMP91"

# A SIGTERM while the server starts (here as soon as it holds the data dir's lock) is kept until it has started, then
# acted on as any other: an orderly shutdown, exit 0, the lock released (the signal's default action would end it
# midway, by the signal).
E_DIR="$TMP91/early"
node "$DK_MAIN" server --data-dir "$E_DIR" --port "$(free_port)" --service-cidr 10.89.0.0/16 --proxy-mode none >"$TMP91/early.log" 2>&1 &
E_PID=$!
for _ in $(seq 1 3000); do [ -s "$E_DIR/server.lock" ] && break; sleep 0.01; done
kill -TERM "$E_PID"
wait "$E_PID"
E_RC=$?
expect "a SIGTERM during start-up ends in an orderly shutdown, exit 0" 0 '^0$' -- echo "$E_RC"
expect "... that the log tells" 0 '"signal":"SIGTERM".*shutting down|shutting down.*"signal":"SIGTERM"' -- cat "$TMP91/early.log"
expect "... and the data dir is free again" 3 'not running' -- dk status --data-dir "$E_DIR"
dk delete --data-dir "$E_DIR" >/dev/null 2>&1

rm -rf "$TMP91"
