# `dockube delete` leaves nothing behind, checked against Docker, iptables, the routing table and the mount table:
# containers (pods keep running after a stop, so delete removes them), volumes (PVCs, emptyDirs), networks, the
# service chains and jumps, the service-range route, the kubelet's mounts under the data dir, then the data dir.
# `--keep-data` removes only what runs: the next start on the data dir brings the pods back.
# kubectl-only: 1.33 (the subject is dockube's CLI; kubectl only reads)
DK_MAIN="$DOCKUBE_MAIN"
dk() { timeout 120 node "$DK_MAIN" "$@"; }
INSTANCE="$(node -e 'console.log(require("crypto").createHash("sha256").update(process.argv[1]).digest("hex").slice(0,12))' "$DATA_DIR")"
PREFIX="DK${INSTANCE:0:6}"
METRIC=$((1000 + 16#${INSTANCE:0:4}))
containers() { docker ps -aq --filter "label=dockube.io/instance=$INSTANCE" | wc -l; }
volumes() { docker volume ls -q --filter "label=dockube.io/instance=$INSTANCE" | wc -l; }
networks() { docker network ls -q --filter "label=dockube.io/instance=$INSTANCE" | wc -l; }
chains() { iptables-save 2>/dev/null | grep -c -- "$PREFIX" || true; }
routes() { ip route show | grep -c " metric $METRIC\b" || true; }
mounts() { grep -c " $DATA_DIR/" /proc/self/mountinfo || true; }
left() { echo "containers=$(containers) volumes=$(volumes) networks=$(networks) rules=$(chains) routes=$(routes) mounts=$(mounts)"; }

k create ns "$NS" >/dev/null
k -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Mi}}}
---
apiVersion: v1
kind: Pod
metadata: {name: p92, labels: {app: p92}}
spec:
  containers:
  - {name: c, image: dockube/busybox:test, command: [sleep, "3600"], volumeMounts: [{name: data, mountPath: /data}, {name: mem, mountPath: /mem}]}
  volumes:
  - {name: data, persistentVolumeClaim: {claimName: data}}
  - {name: mem, emptyDir: {medium: Memory}}
---
apiVersion: v1
kind: Service
metadata: {name: s92}
spec: {type: NodePort, selector: {app: p92}, ports: [{port: 80}]}
YAML
expect "the pod runs" 0 'condition met' -- k -n "$NS" wait --for=condition=Ready pod/p92 --timeout=90s
eventually "the cluster made containers, a volume, service rules, a route and a memory mount" 30 \
  '^containers=[1-9][0-9]* volumes=[1-9][0-9]* networks=[0-9]+ rules=[1-9][0-9]* routes=1 mounts=[1-9]' -- left

# A server that crashed leaves everything in place (kill -9): --keep-data removes only what runs.
kill9_server
expect "a crashed server's rules and route stay" 0 '^containers=[1-9][0-9]* volumes=[1-9][0-9]* networks=[0-9]+ rules=[1-9][0-9]* routes=1 mounts=[1-9]' -- left
expect "delete --keep-data" 0 "^deleted: [1-9][0-9]* containers, [1-9][0-9]* volumes, [0-9]+ networks, [1-9][0-9]* iptables chains, 1 routes, [1-9][0-9]* mounts; data dir kept\$" -- \
  dk delete --data-dir "$DATA_DIR" --keep-data
SERVER_PID=
expect "nothing of it runs any more" 0 '^containers=0 volumes=0 networks=0 rules=0 routes=0 mounts=0$' -- left
expect "the data dir is kept" 0 'state.db' -- ls "$DATA_DIR"
# --keep-service-rules: the server's clean stop leaves its rules, for delete to remove.
node "$DK_MAIN" server --data-dir "$DATA_DIR" --port "$PORT" --log-level warn --service-cidr "$SERVICE_CIDR" --keep-service-rules \
  >>"$DATA_DIR/server.log" 2>&1 &
SERVER_PID=$!
# The stored status still says Running from before the crash: wait for the containers themselves (a loaded host can
# take a while to start the server and re-create them), then for the status.
eventually "the next start brings the pod's containers back, with its service rules and route" 90 \
  '^containers=[1-9][0-9]* volumes=[1-9][0-9]* networks=[0-9]+ rules=[1-9][0-9]* routes=1 ' -- left
eventually "... and the pod runs" 60 'p92 +1/1 +Running' -- k -n "$NS" get pod p92 --no-headers

# A user's container connected by hand to the cluster's pod network: delete disconnects it, removes only its own.
NET92="$(docker network ls -q --filter "label=dockube.io/instance=$INSTANCE" | head -1)"
FOREIGN92="user92-$$"
expect "a user's container joins the cluster's network" 0 '^[0-9a-f]{64}$' -- \
  docker run -d --name "$FOREIGN92" --network "${NET92:-none-found}" dockube/busybox:test sleep 300
# delete: stops the server, then removes everything, the data dir too.
expect "delete" 0 "^deleted: [1-9][0-9]* containers, [1-9][0-9]* volumes, [0-9]+ networks, [1-9][0-9]* iptables chains, 1 routes, [0-9]+ mounts, and $DATA_DIR\$" -- \
  dk delete --data-dir "$DATA_DIR"
expect "the server is gone" 1 '' -- kill -0 "$SERVER_PID"
SERVER_PID=
expect "zero containers, volumes, networks, rules, routes and mounts are left" 0 '^containers=0 volumes=0 networks=0 rules=0 routes=0 mounts=0$' -- left
expect "no container names the data dir" 0 '^0$' -- bash -c "docker ps -aq --filter 'label=dockube.io/data-dir=$DATA_DIR' | wc -l"
expect "the data dir is gone" 1 '' -- test -e "$DATA_DIR"
expect "the user's container still runs, disconnected" 0 '^running $' -- \
  docker inspect -f '{{.State.Status}} {{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}' "$FOREIGN92"
docker rm -f "$FOREIGN92" >/dev/null 2>&1
expect "delete of a missing data dir says so" 1 'does not exist: nothing to delete' -- dk delete --data-dir "$DATA_DIR"
mkdir -p "$DATA_DIR" # for the runner's clean-up
