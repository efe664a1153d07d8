# DaemonSets on the real engine (issue 14): one ready pod per node (one Docker engine: one node), pinned by the
# matchFields node affinity the controller sets and carrying the DaemonSet tolerations; a nodeSelector no node
# matches wants 0; a new template rolls out (rollout status, history, undo, ControllerRevisions); `kubectl drain
# --ignore-daemonsets` leaves the daemon pod running (and refuses without the flag), then uncordon.
bash "$ROOT/scripts/build-test-images.sh" >/dev/null 2>&1 || fail "build-test-images.sh"
docker tag dockube/busybox:test dockube/busybox:v2
k create ns "$NS" >/dev/null
V1=dockube/busybox:test
V2=dockube/busybox:v2
NODE="$(k get nodes -o jsonpath='{.items[0].metadata.name}')"
NODES="$(k get nodes --no-headers | wc -l)"

daemonset() { # NAME IMAGE [NODE_SELECTOR_YAML]
  k -n "$NS" apply -f - <<YAML
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: $1}
spec:
  selector: {matchLabels: {app: $1}}
  template:
    metadata: {labels: {app: $1}}
    spec:
      terminationGracePeriodSeconds: 1
      ${3:-}
      containers:
      - {name: agent, image: $2, command: [sleep, "100000"]}
YAML
}
# Same-run baseline for the times below: one bare pod from run to Ready (after a first, untimed one: the server's
# first pod also sets up the pod network).
k -n "$NS" run warm --image=$V1 --overrides='{"apiVersion":"v1","spec":{"terminationGracePeriodSeconds":1}}' -- sleep 100000 >/dev/null
k -n "$NS" wait --for=condition=Ready pod/warm --timeout=60s >/dev/null
k -n "$NS" delete pod warm --wait=true >/dev/null
t0=$(date +%s%N)
k -n "$NS" run baseline --image=$V1 --overrides='{"apiVersion":"v1","spec":{"terminationGracePeriodSeconds":1}}' -- sleep 100000 >/dev/null
k -n "$NS" wait --for=condition=Ready pod/baseline --timeout=60s >/dev/null
echo "       (baseline: one pod run -> Ready: $(( ($(date +%s%N) - t0) / 1000000 )) ms)"
k -n "$NS" delete pod baseline --wait=true >/dev/null
expect "create a DaemonSet" 0 'daemonset.apps/agent created' -- daemonset agent $V1
t0=$(date +%s%N)
expect "rollout status" 0 'daemon set "agent" successfully rolled out' -- k -n "$NS" rollout status ds/agent --timeout=90s
echo "       (create -> rolled out on $NODES node(s): $(( ($(date +%s%N) - t0) / 1000000 )) ms)"
expect "get ds: one desired, current, ready, up-to-date, available per node" 0 "^agent +$NODES +$NODES +$NODES +$NODES +$NODES +<none> " -- k -n "$NS" get ds agent --no-headers
expect "get ds -o wide: containers, images, selector" 0 "<none> +[0-9a-z]+ +agent +${V1//./\\.} +app=agent\$" -- k -n "$NS" get ds agent -o wide --no-headers
expect "short name ds and get all" 0 'daemonset\.apps/agent ' -- k -n "$NS" get all
expect "one running pod per node" 0 "^$NODES\$" -- bash -c "$KCTL --kubeconfig $KC -n $NS get pods -l app=agent --field-selector status.phase=Running --no-headers | wc -l"
expect "the pod is pinned to its node by matchFields metadata.name" 0 "^metadata\\.name In $NODE \$" -- k -n "$NS" get pods -l app=agent \
  -o 'jsonpath={range .items[*]}{.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].key} {.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].operator} {.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].values[0]} {end}'
expect "and carries the DaemonSet tolerations" 0 '^node.kubernetes.io/not-ready:NoExecute node.kubernetes.io/unreachable:NoExecute node.kubernetes.io/disk-pressure:NoSchedule node.kubernetes.io/memory-pressure:NoSchedule node.kubernetes.io/pid-pressure:NoSchedule node.kubernetes.io/unschedulable:NoSchedule $' -- \
  k -n "$NS" get pods -l app=agent -o 'jsonpath={range .items[0].spec.tolerations[*]}{.key}:{.effect} {end}'
expect "status counts" 0 "^$NODES $NODES $NODES $NODES $NODES 0 1\$" -- k -n "$NS" get ds agent -o \
  'jsonpath={.status.desiredNumberScheduled} {.status.currentNumberScheduled} {.status.numberReady} {.status.updatedNumberScheduled} {.status.numberAvailable} {.status.numberMisscheduled} {.status.observedGeneration}'
expect "the template generation annotation and pod labels" 0 '^1 1 [bcdfghjklmnpqrstvwxz2456789]+$' -- bash -c \
  "echo \$($KCTL --kubeconfig $KC -n $NS get ds agent -o jsonpath='{.metadata.annotations.deprecated\.daemonset\.template\.generation}') \$($KCTL --kubeconfig $KC -n $NS get pods -l app=agent -o jsonpath='{.items[0].metadata.labels.pod-template-generation} {.items[0].metadata.labels.controller-revision-hash}')"
expect "a ControllerRevision named by the pods' hash" 0 "^agent-$(k -n "$NS" get pods -l app=agent -o jsonpath='{.items[0].metadata.labels.controller-revision-hash}') +daemonset\\.apps/agent +1 " -- \
  k -n "$NS" get controllerrevisions --no-headers

# A nodeSelector no node matches: nothing desired.
expect "a DaemonSet for nodes labelled dockube.io/nothing=x" 0 'created' -- daemonset nowhere $V1 'nodeSelector: {dockube.io/nothing: "x"}'
eventually "it wants 0 pods (NODE SELECTOR shown)" 20 '^nowhere +0 +0 +0 +0 +0 +dockube\.io/nothing=x ' -- k -n "$NS" get ds nowhere --no-headers
expect "and has no pods" 0 '^$' -- k -n "$NS" get pods -l app=nowhere -o name
expect "rollout status of an empty DaemonSet" 0 'successfully rolled out' -- k -n "$NS" rollout status ds/nowhere --timeout=20s
k -n "$NS" delete ds nowhere >/dev/null

# A new template rolls out; history and undo.
OLD="$(k -n "$NS" get pods -l app=agent -o jsonpath='{.items[0].metadata.name}')"
k -n "$NS" annotate ds agent kubernetes.io/change-cause='to v2' >/dev/null
t0=$(date +%s%N)
expect "set image" 0 'daemonset.apps/agent image updated' -- k -n "$NS" set image ds/agent agent=$V2
expect "rollout status of the new template" 0 'daemon set "agent" successfully rolled out' -- k -n "$NS" rollout status ds/agent --timeout=90s
echo "       (set image -> rolled out: $(( ($(date +%s%N) - t0) / 1000000 )) ms)"
eventually "the pod was replaced and runs V2" 30 "^${V2//./\\.} 2\$" -- bash -c \
  "$KCTL --kubeconfig $KC -n $NS get pods -l app=agent -o jsonpath='{range .items[*]}{.metadata.deletionTimestamp}|{.metadata.name}|{.spec.containers[0].image}|{.metadata.labels.pod-template-generation}{\"\\n\"}{end}' | awk -F'|' '\$1==\"\" && \$2!=\"$OLD\" {print \$3, \$4}'"
expect "two ControllerRevisions" 0 '^2$' -- bash -c "$KCTL --kubeconfig $KC -n $NS get controllerrevisions --no-headers | wc -l"
expect "rollout history with the change cause" 0 '2 +to v2' -- k -n "$NS" rollout history ds/agent
expect "rollout undo" 0 'daemonset.apps/agent rolled back' -- k -n "$NS" rollout undo ds/agent
expect "rollout status after undo" 0 'successfully rolled out' -- k -n "$NS" rollout status ds/agent --timeout=90s
eventually "the pod runs V1 again" 30 "^${V1//./\\.}\$" -- bash -c \
  "$KCTL --kubeconfig $KC -n $NS get pods -l app=agent -o jsonpath='{range .items[*]}{.metadata.deletionTimestamp}|{.spec.containers[0].image}{\"\\n\"}{end}' | awk -F'|' '\$1==\"\" {print \$2}'"
expect "undo renumbered revision 1 as 3 (no copy)" 0 '^2 3 $' -- bash -c \
  "$KCTL --kubeconfig $KC -n $NS get controllerrevisions -o jsonpath='{range .items[*]}{.revision} {end}' | tr ' ' '\\n' | grep . | sort -n | tr '\\n' ' '"

expect "rollout restart" 0 'daemonset.apps/agent restarted' -- k -n "$NS" rollout restart ds/agent
expect "rollout status after the restart" 0 'successfully rolled out' -- k -n "$NS" rollout status ds/agent --timeout=90s
expect "the restart is a fourth revision" 0 '^4$' -- k -n "$NS" get ds agent -o 'jsonpath={.metadata.annotations.deprecated\.daemonset\.template\.generation}'

# Drain: the daemon pod stays.
DPOD="$(k -n "$NS" get pods -l app=agent -o jsonpath='{.items[0].metadata.uid}')"
expect "drain without --ignore-daemonsets refuses" 1 'cannot delete DaemonSet-managed Pods \(use --ignore-daemonsets to ignore\)' -- \
  k drain "$NODE" --timeout=30s
expect "drain --ignore-daemonsets" 0 "node/$NODE drained" -- k drain "$NODE" --ignore-daemonsets --timeout=60s
expect "drain warned about the daemon pod" 0 "ignoring DaemonSet-managed Pods: $NS/agent-" -- k drain "$NODE" --ignore-daemonsets --timeout=60s
expect "the node is cordoned" 0 'SchedulingDisabled' -- k get node "$NODE" --no-headers
sleep 2
expect "the daemon pod is still the same and running" 0 "^$DPOD Running\$" -- k -n "$NS" get pods -l app=agent -o jsonpath='{.items[0].metadata.uid} {.items[0].status.phase}'
expect "the DaemonSet still wants it on the cordoned node" 0 "^agent +$NODES +$NODES +$NODES " -- k -n "$NS" get ds agent --no-headers
expect "uncordon" 0 "node/$NODE uncordoned" -- k uncordon "$NODE"
expect "describe ds" 0 'Pods Status: +1 Running / 0 Waiting / 0 Succeeded / 0 Failed' -- k -n "$NS" describe ds agent
