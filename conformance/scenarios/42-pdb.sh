# PodDisruptionBudgets with the real kubectl on the real engine: the disruption controller's status and the pdb
# table; `kubectl drain` blocked by a budget that allows no disruption (kubectl retries the 429 with upstream's
# message) while the pods keep running; evictions through the API spending a budget of one (the second refused, the
# ReplicaSet's replacement restoring it); and a drain that evicts one pod, waits on the budget while the only node is
# cordoned (the replacement cannot schedule), and finishes once the node is uncordoned and the replacement is ready.
bash "$ROOT/scripts/build-test-images.sh" >/dev/null 2>&1 || fail "build-test-images.sh"
k create ns "$NS" >/dev/null
NODE="$(k get nodes -o jsonpath='{.items[0].metadata.name}')"

# running: Running, non-terminating web pods, one name per line.
running() { k -n "$NS" get pods -l app=web -o jsonpath='{range .items[?(@.status.phase=="Running")]}{.metadata.deletionTimestamp}{"|"}{.metadata.name}{"\n"}{end}' | grep '^|' | cut -c2- | sort; }
count_running() { running | grep -c .; }
describe_flat() { k -n "$NS" describe pdb web | tr '\n' ' '; }
pdb_status() { k -n "$NS" get pdb web -o jsonpath='{.status.currentHealthy}/{.status.desiredHealthy}/{.status.expectedPods}/{.status.disruptionsAllowed}/{.status.conditions[0].reason}'; }
evict() { printf '{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"%s","namespace":"%s"}}' "$1" "$NS" | k create --raw "/api/v1/namespaces/$NS/pods/$1/eviction" -f -; }

cat > "$DATA_DIR/web.yaml" <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: web
        image: dockube/busybox:test
        imagePullPolicy: IfNotPresent
        command: [sh, -c, "sleep 100000"]
YAML
pdb() { printf 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}\nspec:\n  minAvailable: %s\n  selector: {matchLabels: {app: web}}\n' "$1"; }

k -n "$NS" apply -f "$DATA_DIR/web.yaml" >/dev/null
k -n "$NS" wait --for=jsonpath='{.status.readyReplicas}'=2 deploy/web --timeout=60s >/dev/null
expect "2 Running web pods" 0 '^2$' -- count_running

# --- minAvailable 2 of 2: no disruption allowed
pdb 2 > "$DATA_DIR/pdb2.yaml"
expect "create pdb minAvailable 2" 0 '^poddisruptionbudget.policy/web created$' -- k -n "$NS" apply -f "$DATA_DIR/pdb2.yaml"
eventually "status: 2 healthy / 2 desired / 2 expected / 0 allowed / InsufficientPods" 30 '^2/2/2/0/InsufficientPods$' -- pdb_status
expect "get pdb: kubectl's header" 0 '^NAME +MIN AVAILABLE +MAX UNAVAILABLE +ALLOWED DISRUPTIONS +AGE$' -- k -n "$NS" get pdb
expect "get pdb: web 2 N/A 0" 0 '^web +2 +N/A +0 +[0-9]+s$' -- k -n "$NS" get pdb web --no-headers
expect "describe pdb: Min available 2, Allowed disruptions 0, Current 2, Desired 2, Total 2" 0 \
  'Min available: +2 .*Allowed disruptions: +0 .*Current: +2 .*Desired: +2 .*Total: +2' -- describe_flat
expect "kubectl drain is blocked: retries with the budget's message, then times out" 1 \
  "Cannot evict pod as it would violate the pod's disruption budget" -- \
  k drain "$NODE" --ignore-daemonsets --delete-emptydir-data --timeout=6s
expect "... the node is cordoned" 0 'SchedulingDisabled' -- k get node "$NODE" --no-headers
expect "... both pods still run" 0 '^2$' -- count_running
expect "uncordon" 0 'uncordoned' -- k uncordon "$NODE"

# --- minAvailable 1: one eviction at a time through the API
pdb 1 | k -n "$NS" apply -f - >/dev/null
eventually "status: 1 disruption allowed, SufficientPods" 30 '^2/1/2/1/SufficientPods$' -- pdb_status
expect "get pdb: web 1 N/A 1" 0 '^web +1 +N/A +1 ' -- k -n "$NS" get pdb web --no-headers
first="$(running | head -1)"; second="$(running | tail -1)"
expect "evict the first pod: allowed" 0 '"status": ?"Success"' -- evict "$first"
expect "evict the second at once: 429 with the budget's message" 1 \
  "TooManyRequests.*Cannot evict pod as it would violate the pod's disruption budget|Cannot evict pod as it would violate the pod's disruption budget" -- evict "$second"
expect "... the second still runs" 0 "^$second$" -- running
eventually "the ReplicaSet replaces the evicted pod: 2 Running again" 60 '^2$' -- count_running
eventually "the budget recovers: 1 disruption allowed" 30 '^2/1/2/1/SufficientPods$' -- pdb_status

# --- drain with minAvailable 1: one pod goes, the other waits for a replacement that cannot schedule on the
# cordoned node; uncordoning lets the replacement run, and the drain finishes.
k drain "$NODE" --ignore-daemonsets --delete-emptydir-data --timeout=120s > "$DATA_DIR/drain.log" 2>&1 &
drain_pid=$!
eventually "drain evicts one pod" 60 'evicted' -- cat "$DATA_DIR/drain.log"
eventually "drain waits on the budget for the other" 30 "Cannot evict pod as it would violate the pod's disruption budget" -- cat "$DATA_DIR/drain.log"
eventually "the replacement is Pending: the only node is unschedulable" 30 'Pending' -- k -n "$NS" get pods -l app=web --no-headers
expect "uncordon while drain waits" 0 'uncordoned' -- k uncordon "$NODE"
if wait "$drain_pid"; then pass "drain finishes once a replacement is ready"; else fail "drain finishes once a replacement is ready" "$(cat "$DATA_DIR/drain.log")"; fi
expect "... kubectl reports the node drained" 0 "node/$NODE drained" -- cat "$DATA_DIR/drain.log"
k uncordon "$NODE" >/dev/null
eventually "2 Running web pods again" 60 '^2$' -- count_running
k delete ns "$NS" --wait=false >/dev/null
