# ReplicaSets and ReplicationControllers with the real kubectl on the real engine: a 3-replica ReplicaSet gets 3
# Running pods and keeps them through a deleted pod and a container killed behind its back; `kubectl scale` through
# /scale (3 → 5 → 1) with Docker agreeing at each step; background, foreground and orphan deletion, and a new
# ReplicaSet with the same selector adopting the orphans; a ReplicationController doing the same basics; a refused
# (privileged) template reporting ReplicaFailure / FailedCreate without a storm of attempts.
bash "$ROOT/scripts/build-test-images.sh" >/dev/null 2>&1 || fail "build-test-images.sh"
k create ns "$NS" >/dev/null

# containers NAME: the engine's running app containers named NAME in the namespace (each pod has one).
containers() { docker ps -q --filter "label=io.kubernetes.pod.namespace=$NS" --filter "label=io.kubernetes.container.name=$1" | wc -l | tr -d ' '; }
# running APP: pods of the app that are Running and not terminating, one name per line.
running() { k -n "$NS" get pods -l "app=$1" -o jsonpath='{range .items[?(@.status.phase=="Running")]}{.metadata.deletionTimestamp}{"|"}{.metadata.name}{"\n"}{end}' | grep '^|' | cut -c2- | sort; }
count_running() { running "$1" | grep -c .; }
running_line() { running "$1" | tr '\n' ' '; }
has_running() { running "$1" | grep -qx -- "$2"; }
pod_count() { k -n "$NS" get pods -l "app=$1" --no-headers 2>/dev/null | grep -c .; }
rc_ready_containers() { [ "$(k -n "$NS" get rc "$1" -o jsonpath='{.status.readyReplicas}')" = "$2" ] && containers "$1"; }

# workload KIND NAME REPLICAS [EXTRA-CONTAINER-LINE]
workload() {
  local selector="selector: {matchLabels: {app: $2}}" api=apps/v1
  [ "$1" = ReplicationController ] && { selector="selector: {app: $2}"; api=v1; }
  cat <<YAML
apiVersion: $api
kind: $1
metadata: {name: $2}
spec:
  replicas: $3
  $selector
  template:
    metadata: {labels: {app: $2}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: $2
        image: dockube/busybox:test
        imagePullPolicy: IfNotPresent
        command: [sh, -c, "sleep 100000"]
        ${4:-}
YAML
}

# --- baseline: the same 3 pods applied bare, apply → Ready, in this run
for i in 1 2 3; do
  printf -- '---\n%s\n' "{apiVersion: v1, kind: Pod, metadata: {name: bare-$i, labels: {app: bare}}, spec: {terminationGracePeriodSeconds: 1, containers: [{name: bare, image: dockube/busybox:test, imagePullPolicy: IfNotPresent, command: [sh, -c, 'sleep 100000']}]}}"
done > "$DATA_DIR/bare.yaml"
t0=$(date +%s%N)
k -n "$NS" apply -f "$DATA_DIR/bare.yaml" >/dev/null && k -n "$NS" wait --for=condition=Ready pod -l app=bare --timeout=60s >/dev/null
echo "       (baseline: 3 bare pods apply → Ready: $(( ($(date +%s%N) - t0) / 1000000 )) ms)"
k -n "$NS" delete pod -l app=bare --wait=false >/dev/null

# --- a 3-replica ReplicaSet: 3 Running pods, owned by it, one container each on the engine
workload ReplicaSet web 3 > "$DATA_DIR/web.yaml"
t0=$(date +%s%N)
expect "apply a ReplicaSet" 0 '^replicaset.apps/web created$' -- k -n "$NS" apply -f "$DATA_DIR/web.yaml"
k -n "$NS" wait --for=jsonpath='{.status.readyReplicas}'=3 rs/web --timeout=60s >/dev/null
echo "       (3-replica rs apply → 3 ready: $(( ($(date +%s%N) - t0) / 1000000 )) ms)"
eventually "get rs: DESIRED 3 CURRENT 3 READY 3" 60 '^web +3 +3 +3 +[0-9]+s$' -- k -n "$NS" get rs web --no-headers
expect "3 Running pods named web-xxxxx" 0 '^3$' -- count_running web
expect "pod names come from generateName" 0 '^(web-[a-z0-9]{5} ){3}$' -- running_line web
expect "pods carry a blocking controller reference" 0 '^(ReplicaSet/web/true/true )+$' -- \
  k -n "$NS" get pods -l app=web -o jsonpath='{range .items[*]}{.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}/{.metadata.ownerReferences[0].controller}/{.metadata.ownerReferences[0].blockOwnerDeletion} {end}'
eventually "docker runs 3 containers" 10 '^3$' -- containers web
expect "get rs -o wide: CONTAINERS IMAGES SELECTOR" 0 '^web +3 +3 +3 +[0-9]+s +web +dockube/busybox:test +app=web$' -- k -n "$NS" get rs web -o wide --no-headers
expect "get rs shows kubectl's header" 0 '^NAME +DESIRED +CURRENT +READY +AGE$' -- k -n "$NS" get rs
expect "status: replicas, fullyLabeled, ready, available, observedGeneration" 0 '^3/3/3/3/1$' -- \
  k -n "$NS" get rs web -o jsonpath='{.status.replicas}/{.status.fullyLabeledReplicas}/{.status.readyReplicas}/{.status.availableReplicas}/{.status.observedGeneration}'

# --- self-healing: a deleted pod is replaced
victim="$(running web | head -1)"
expect "delete one pod" 0 "pod \"$victim\" deleted" -- k -n "$NS" delete pod "$victim"
eventually "a replacement: 3 Running pods again" 60 '^3$' -- count_running web
expect "... and the deleted one is not among them" 1 '' -- has_running web "$victim"
eventually "rs READY 3 again" 30 '^web +3 +3 +3 ' -- k -n "$NS" get rs web --no-headers
eventually "docker runs 3 containers again" 20 '^3$' -- containers web

# --- a container killed behind our back: the kubelet restarts it, the pod stays and no pod is added
target="$(running web | head -1)"
cid="$(docker ps -q --filter "label=io.kubernetes.pod.namespace=$NS" --filter "label=io.kubernetes.pod.name=$target" --filter "label=io.kubernetes.container.name=web")"
expect "docker kill a pod's container" 0 . -- docker kill "$cid"
eventually "the kubelet restarts it (RESTARTS 1, Running)" 60 "^$target +1/1 +Running +1 " -- k -n "$NS" get pod "$target" --no-headers
eventually "still 3 Running pods, READY 3" 30 '^web +3 +3 +3 ' -- k -n "$NS" get rs web --no-headers
expect "no pod was added" 0 '^3$' -- pod_count web
eventually "docker runs 3 containers" 20 '^3$' -- containers web

# --- kubectl scale through /scale: 3 → 5 → 1, Docker agreeing at each step
expect "scale rs --replicas=5" 0 '^replicaset.apps/web scaled$' -- k -n "$NS" scale rs web --replicas=5
eventually "rs DESIRED 5 CURRENT 5 READY 5" 60 '^web +5 +5 +5 ' -- k -n "$NS" get rs web --no-headers
eventually "docker runs 5 containers" 20 '^5$' -- containers web
expect "scale rs --replicas=1" 0 '^replicaset.apps/web scaled$' -- k -n "$NS" scale rs web --replicas=1
eventually "rs DESIRED 1 CURRENT 1 READY 1" 30 '^web +1 +1 +1 ' -- k -n "$NS" get rs web --no-headers
eventually "docker runs 1 container" 30 '^1$' -- containers web
expect "1 Running pod left" 0 '^1$' -- count_running web
# --- kill -9 right after a scale-up was accepted: after the restart, exactly the desired pods (no duplicates)
k -n "$NS" scale rs web --replicas=4 >/dev/null
kill9_server
start_server "$DATA_DIR" || fail "server restart"
eventually "after kill -9 + restart: READY 4" 60 '^web +4 +4 +4 ' -- k -n "$NS" get rs web --no-headers
sleep 2
expect "... exactly 4 pods, no duplicates" 0 '^4$' -- pod_count web
eventually "... docker runs 4 containers" 30 '^4$' -- containers web
expect "scale back to 1" 0 'scaled' -- k -n "$NS" scale rs web --replicas=1
eventually "rs READY 1 after the restart" 30 '^web +1 +1 +1 ' -- k -n "$NS" get rs web --no-headers
eventually "docker runs 1 container again" 30 '^1$' -- containers web
expect "describe rs: SuccessfulCreate and SuccessfulDelete events" 0 'Normal +SuccessfulDelete .*Deleted pod: web-' -- k -n "$NS" describe rs web
expect "... Created pod: <name>" 0 'Normal +SuccessfulCreate .*Created pod: web-[a-z0-9]{5}' -- k -n "$NS" describe rs web

# --- deletion: background (the default) takes the pods
expect "delete rs (background)" 0 'replicaset.apps "web" deleted' -- k -n "$NS" delete rs web
eventually "background: pods collected" 30 '^$' -- k -n "$NS" get pods -l app=web --no-headers --ignore-not-found
eventually "background: docker runs none" 30 '^0$' -- containers web

# --- foreground: the ReplicaSet waits for its pods
workload ReplicaSet fg 2 | k -n "$NS" apply -f - >/dev/null
eventually "fg: READY 2" 60 '^fg +2 +2 +2 ' -- k -n "$NS" get rs fg --no-headers
expect "delete rs --cascade=foreground" 0 'replicaset.apps "fg" deleted' -- k -n "$NS" delete rs fg --cascade=foreground
expect "foreground: the ReplicaSet is gone once delete returned" 0 '^$' -- k -n "$NS" get rs fg --ignore-not-found --no-headers
eventually "foreground: pods gone" 30 '^$' -- k -n "$NS" get pods -l app=fg --no-headers --ignore-not-found
eventually "foreground: docker runs none" 30 '^0$' -- containers fg

# --- orphan: pods stay running, unowned; a new ReplicaSet with the same selector adopts them
workload ReplicaSet or 2 > "$DATA_DIR/or.yaml"
k -n "$NS" apply -f "$DATA_DIR/or.yaml" >/dev/null
eventually "or: READY 2" 60 '^or +2 +2 +2 ' -- k -n "$NS" get rs or --no-headers
before="$(running_line or)"
expect "delete rs --cascade=orphan" 0 'replicaset.apps "or" deleted' -- k -n "$NS" delete rs or --cascade=orphan
eventually "orphans lose their ownerReferences" 20 '^(<none> ){2}$' -- \
  k -n "$NS" get pods -l app=or -o jsonpath='{range .items[*]}{.metadata.ownerReferences[0].uid}{"<none> "}{end}'
expect "orphans keep running" 0 "^${before}\$" -- running_line or
expect "docker still runs 2" 0 '^2$' -- containers or
expect "a new ReplicaSet with the same selector" 0 '^replicaset.apps/or created$' -- k -n "$NS" apply -f "$DATA_DIR/or.yaml"
newuid="$(k -n "$NS" get rs or -o jsonpath='{.metadata.uid}')"
eventually "it adopts both orphans" 20 "^(${newuid} ){2}\$" -- \
  k -n "$NS" get pods -l app=or -o jsonpath='{range .items[*]}{.metadata.ownerReferences[0].uid}{" "}{end}'
eventually "READY 2 with the same pods, none created" 20 '^or +2 +2 +2 ' -- k -n "$NS" get rs or --no-headers
expect "the same two pods" 0 "^${before}\$" -- running_line or
expect "no SuccessfulCreate for the new ReplicaSet" 0 '^$' -- \
  k -n "$NS" get events -o jsonpath="{range .items[?(@.involvedObject.uid==\"$newuid\")]}{.reason}{end}"

# --- a ReplicationController: same controller, map selector
workload ReplicationController legacy 2 > "$DATA_DIR/rc.yaml"
expect "apply a ReplicationController" 0 '^replicationcontroller/legacy created$' -- k -n "$NS" apply -f "$DATA_DIR/rc.yaml"
eventually "get rc: DESIRED 2 CURRENT 2 READY 2" 60 '^legacy +2 +2 +2 +[0-9]+s$' -- k -n "$NS" get rc legacy --no-headers
expect "get rc -o wide: SELECTOR app=legacy" 0 '^legacy +2 +2 +2 +[0-9]+s +legacy +dockube/busybox:test +app=legacy$' -- k -n "$NS" get rc legacy -o wide --no-headers
expect "scale rc --replicas=3" 0 '^replicationcontroller/legacy scaled$' -- k -n "$NS" scale rc legacy --replicas=3
eventually "rc READY 3, docker runs 3" 60 '^3$' -- rc_ready_containers legacy 3
expect "pods owned by the ReplicationController" 0 '^(ReplicationController ){3}$' -- \
  k -n "$NS" get pods -l app=legacy -o jsonpath='{range .items[*]}{.metadata.ownerReferences[0].kind}{" "}{end}'
expect "delete rc" 0 'replicationcontroller "legacy" deleted' -- k -n "$NS" delete rc legacy
eventually "rc: pods and containers gone" 30 '^0$' -- containers legacy

# --- a refused template (privileged, under the default baseline): ReplicaFailure, FailedCreate, no storm
workload ReplicaSet priv 3 'securityContext: {privileged: true}' > "$DATA_DIR/priv.yaml"
expect "apply a privileged template (warned)" 0 'replicaset.apps/priv created' -- k -n "$NS" apply -f "$DATA_DIR/priv.yaml"
eventually "ReplicaFailure FailedCreate condition" 20 '^ReplicaFailure/True/FailedCreate$' -- \
  k -n "$NS" get rs priv -o jsonpath='{range .status.conditions[*]}{.type}/{.status}/{.reason}{end}'
expect "describe rs: the condition and the FailedCreate event" 0 'Warning +FailedCreate .*Error creating: pods "priv-[a-z0-9]{5}" is forbidden: violates PodSecurity "baseline:latest": privileged' -- k -n "$NS" describe rs priv
sleep 6
attempts="$(k -n "$NS" get events -o jsonpath='{range .items[?(@.reason=="FailedCreate")]}{.count}{"\n"}{end}' | awk '{s+=$1} END {print s+0}')"
echo "       (FailedCreate attempts in ~7 s: $attempts)"
expect "backed off: at most 20 create attempts in ~7 s" 0 '' -- test "$attempts" -le 20 -a "$attempts" -ge 2
expect "no pods, no containers" 0 '^0$' -- containers priv
expect "get rs priv: DESIRED 3 CURRENT 0 READY 0" 0 '^priv +3 +0 +0 ' -- k -n "$NS" get rs priv --no-headers
k -n "$NS" delete rs priv >/dev/null
