# Deployments on the real engine (issue 10): `kubectl create deployment` reaches 3/3; `set image` rolls v1 -> v2
# with `rollout status` completing while, sampled throughout, at least replicas - maxUnavailable pods are ready and
# at most replicas + maxSurge pods exist (terminating ones aside, as the controllers count); history with
# CHANGE-CAUSE; undo (to the previous revision and --to-revision); pause (scaling still applies), resume, restart;
# describe's NewReplicaSet, conditions and events; Recreate never runs both versions at once; a rollout to an image
# that cannot be pulled ends in ProgressDeadlineExceeded. Two local tags of the test image stand for v1 and v2.
bash "$ROOT/scripts/build-test-images.sh" >/dev/null 2>&1 || fail "build-test-images.sh"
docker tag dockube/busybox:test dockube/busybox:v2
k create ns "$NS" >/dev/null

V1=dockube/busybox:test
V2=dockube/busybox:v2
HASH='[bcdfghjklmnpqrstvwxz2456789]{1,10}'
# live_pods APP: "image ready" per pod not being deleted.
live_pods() {
  k -n "$NS" get pods -l "app=$1" -o jsonpath='{range .items[*]}{.metadata.deletionTimestamp}|{.spec.containers[0].image}|{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' 2>/dev/null |
    awk -F'|' '$1=="" && $2!="" {print $2, ($3=="True" ? "ready" : "notready")}'
}
# image_counts APP: "count image" per image among live pods.
image_counts() { live_pods "$1" | awk '{print $1}' | sort | uniq -c | awk '{print $1, $2}'; }
rs_count() { k -n "$NS" get rs --no-headers | wc -l; }
history_revisions() { k -n "$NS" rollout history deploy/web | grep -E '^[0-9]' | grep -v '^1 '; }
# sample APP FILE: every ~0.3 s, one line "total ready images..." until killed.
sample() {
  while :; do
    local p; p="$(live_pods "$1")"
    echo "$(grep -c . <<<"$p") $(grep -c ' ready$' <<<"$p") $(awk '{print $1}' <<<"$p" | sort -u | tr '\n' ' ')" >>"$2"
    sleep 0.1
  done
}

# Same-run baseline for the times below: one bare pod from apply to Ready.
t0=$(date +%s%N)
k -n "$NS" run baseline --image=$V1 --overrides='{"apiVersion":"v1","spec":{"terminationGracePeriodSeconds":1}}' -- sleep 100000 >/dev/null
k -n "$NS" wait --for=condition=Ready pod/baseline --timeout=60s >/dev/null
echo "       (baseline: one pod run -> Ready: $(( ($(date +%s%N) - t0) / 1000000 )) ms)"
k -n "$NS" delete pod baseline --wait=false >/dev/null
t0=$(date +%s%N)
expect "create deployment" 0 '^deployment.apps/web created$' -- k -n "$NS" create deployment web --image=$V1 --replicas=3 -- httpd -f -p 80 -h /var/www
expect "rollout status completes" 0 'deployment "web" successfully rolled out' -- k -n "$NS" rollout status deploy/web --timeout=90s
echo "       (create deployment -> 3/3 rolled out: $(( ($(date +%s%N) - t0) / 1000000 )) ms)"
expect "get deploy: 3/3 up to date and available" 0 '^web +3/3 +3 +3 ' -- k -n "$NS" get deploy web --no-headers
expect "get deploy -o wide: containers, images, selector" 0 "^web +3/3 +3 +3 +[0-9a-z]+ +busybox +${V1//./\\.} +app=web$" -- k -n "$NS" get deploy web -o wide --no-headers
expect "the ReplicaSet is named by its pod-template-hash" 0 "^web-$HASH +3 +3 +3 " -- k -n "$NS" get rs --no-headers
RS1="$(k -n "$NS" get rs -o jsonpath='{.items[0].metadata.name}')"
expect "hash label on the set, its selector and pods" 0 "^${RS1#web-} ${RS1#web-} ${RS1#web-}$" -- k -n "$NS" get rs "$RS1" -o jsonpath='{.metadata.labels.pod-template-hash} {.spec.selector.matchLabels.pod-template-hash} {.spec.template.metadata.labels.pod-template-hash}'
expect "docker runs the 3 pods" 0 '^3$' -- bash -c "docker ps -q --filter label=io.kubernetes.pod.namespace=$NS --filter label=io.kubernetes.container.name=busybox | wc -l"

# v1 -> v2 with the default 25%/25% (3 replicas: surge 1, unavailable 0): sampled throughout.
SAMPLES="$DATA_DIR/samples"; : >"$SAMPLES"
sample web "$SAMPLES" & SAMPLER=$!
t0=$(date +%s%N)
expect "set image" 0 'deployment.apps/web image updated' -- k -n "$NS" set image deploy/web busybox=$V2
expect "rollout status v2 completes" 0 'deployment "web" successfully rolled out' -- k -n "$NS" rollout status deploy/web --timeout=120s
echo "       (set image -> rollout status done, 3 replicas, 25%/25%: $(( ($(date +%s%N) - t0) / 1000000 )) ms)"
kill "$SAMPLER" 2>/dev/null; wait "$SAMPLER" 2>/dev/null
expect "sampled: never fewer than 3 ready pods" 0 '^ok' -- awk '$2<3 {bad=$0} END {print (NR>=3 && bad=="") ? "ok " NR " samples" : "bad: " bad " (" NR " samples)"}' "$SAMPLES"
expect "sampled: never more than 4 pods" 0 '^ok' -- awk '$1>4 {bad=$0} END {print (bad=="") ? "ok" : "bad: " bad}' "$SAMPLES"
expect "sampled: both versions ran side by side" 0 '^ok' -- awk -v a="$V1" -v b="$V2" 'index($0,a) && index($0,b) {n++} END {print n ? "ok" : "never"}' "$SAMPLES"
eventually "every live pod runs v2" 60 "^3 $V2$" -- image_counts web
expect "old set scaled to 0, new set 3" 0 "^$RS1 0 web-$HASH 3 $" -- k -n "$NS" get rs --sort-by=.metadata.creationTimestamp -o jsonpath='{range .items[*]}{.metadata.name} {.spec.replicas} {end}'
expect "revision annotation 2" 0 '^2$' -- k -n "$NS" get deploy web -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}'
expect "annotate change-cause" 0 'annotated' -- k -n "$NS" annotate deploy/web kubernetes.io/change-cause='image v2'
eventually "history: revisions with CHANGE-CAUSE" 20 '2 +image v2' -- k -n "$NS" rollout history deploy/web
expect "history lists revision 1" 0 '^1 +<none>' -- k -n "$NS" rollout history deploy/web
expect "history --revision=1 shows its template" 0 "Image:[[:space:]]+${V1//./\\.}" -- k -n "$NS" rollout history deploy/web --revision=1

expect "rollout undo" 0 'deployment.apps/web rolled back' -- k -n "$NS" rollout undo deploy/web
expect "rollout status after undo" 0 'successfully rolled out' -- k -n "$NS" rollout status deploy/web --timeout=120s
eventually "undo: every live pod runs v1 again" 60 "^3 $V1$" -- image_counts web
expect "undo reused the first set as revision 3" 0 "^3 3$" -- k -n "$NS" get rs "$RS1" -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision} {.spec.replicas}'
expect "history: 2 and 3, 1 gone" 0 '^2 +image v2' -- history_revisions
expect "rollout undo --to-revision=2" 0 'deployment.apps/web rolled back' -- k -n "$NS" rollout undo deploy/web --to-revision=2
expect "rollout status after undo --to-revision" 0 'successfully rolled out' -- k -n "$NS" rollout status deploy/web --timeout=120s
expect "revision 4 is the v2 set" 0 "^4 ${V2//./\\.}$" -- k -n "$NS" get deploy web -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision} {.spec.template.spec.containers[0].image}'

# pause: a template change waits, a scale does not; resume rolls it out.
expect "rollout pause" 0 'deployment.apps/web paused' -- k -n "$NS" rollout pause deploy/web
expect "set env while paused" 0 'deployment.apps/web env updated' -- k -n "$NS" set env deploy/web STAGE=paused
eventually "Progressing: DeploymentPaused" 20 '^Unknown DeploymentPaused Deployment is paused$' -- k -n "$NS" get deploy web -o jsonpath='{.status.conditions[?(@.type=="Progressing")].status} {.status.conditions[?(@.type=="Progressing")].reason} {.status.conditions[?(@.type=="Progressing")].message}'
expect "scale while paused" 0 'deployment.apps/web scaled' -- k -n "$NS" scale deploy/web --replicas=4
# The template changed, so the running set is no longer up to date (UP-TO-DATE 0), as on Kubernetes.
eventually "paused: scaled to 4 on the current set, no new set" 30 '^web +4/4 +0 +4 ' -- k -n "$NS" get deploy web --no-headers
expect "paused: still two sets" 0 '^2$' -- rs_count
expect "rollout undo refuses a paused deployment" 1 'resume it first' -- k -n "$NS" rollout undo deploy/web
expect "rollout resume" 0 'deployment.apps/web resumed' -- k -n "$NS" rollout resume deploy/web
expect "rollout status after resume" 0 'successfully rolled out' -- k -n "$NS" rollout status deploy/web --timeout=120s
expect "resumed: the env change rolled out to 4" 0 '^web +4/4 +4 +4 ' -- k -n "$NS" get deploy web --no-headers
expect "rollout restart" 0 'deployment.apps/web restarted' -- k -n "$NS" rollout restart deploy/web
expect "restart sets restartedAt on the template" 0 '^[0-9]{4}-' -- k -n "$NS" get deploy web -o jsonpath='{.spec.template.metadata.annotations.kubectl\.kubernetes\.io/restartedAt}'
expect "rollout status after restart" 0 'successfully rolled out' -- k -n "$NS" rollout status deploy/web --timeout=120s
expect "describe: NewReplicaSet" 0 "NewReplicaSet: +web-$HASH \(4/4 replicas created\)" -- k -n "$NS" describe deploy web
expect "describe: conditions" 0 'Progressing +True +NewReplicaSetAvailable' -- k -n "$NS" describe deploy web
expect "describe: OldReplicaSets" 0 "OldReplicaSets: +web-$HASH \\(0/0 replicas created\\)" -- k -n "$NS" describe deploy web
expect "describe: events" 0 "ScalingReplicaSet +.*deployment-controller +Scaled (up|down) replica set web-$HASH from [0-9]+ to [0-9]+" -- k -n "$NS" describe deploy web

# Recreate: every old pod is gone before a new one starts.
cat >"$DATA_DIR/rec.yaml" <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: rec}
spec:
  replicas: 2
  strategy: {type: Recreate}
  selector: {matchLabels: {app: rec}}
  template:
    metadata: {labels: {app: rec}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - {name: c, image: $V1, imagePullPolicy: IfNotPresent, command: [sleep, "100000"]}
YAML
expect "apply a Recreate deployment" 0 'deployment.apps/rec created' -- k -n "$NS" apply -f "$DATA_DIR/rec.yaml"
expect "Recreate: rollout status" 0 'successfully rolled out' -- k -n "$NS" rollout status deploy/rec --timeout=90s
ALL="$DATA_DIR/rec-samples"; : >"$ALL"
( while :; do k -n "$NS" get pods -l app=rec -o jsonpath='{range .items[*]}{.spec.containers[0].image} {end}{"\n"}' >>"$ALL" 2>/dev/null; sleep 0.3; done ) & SAMPLER=$!
expect "Recreate: set image" 0 'image updated' -- k -n "$NS" set image deploy/rec c=$V2
expect "Recreate: rollout status v2" 0 'successfully rolled out' -- k -n "$NS" rollout status deploy/rec --timeout=120s
kill "$SAMPLER" 2>/dev/null; wait "$SAMPLER" 2>/dev/null
expect "Recreate: never both versions at once (terminating pods included)" 0 '^ok' -- awk -v a="$V1 " -v b="$V2 " 'index($0,a) && index($0,b) {bad=$0} END {print (NR>3 && bad=="") ? "ok" : "bad: " bad}' "$ALL"
expect "Recreate: 2/2 on v2" 0 '^rec +2/2 +2 +2 ' -- k -n "$NS" get deploy rec --no-headers

# A rollout that cannot progress: the image cannot be pulled; after progressDeadlineSeconds it is reported.
k -n "$NS" create deployment stuck --image=$V1 -- sleep 100000 >/dev/null
k -n "$NS" rollout status deploy/stuck --timeout=90s >/dev/null
expect "set a short progress deadline" 0 'patched' -- k -n "$NS" patch deploy stuck -p '{"spec":{"progressDeadlineSeconds":8}}'
expect "set an image that cannot be pulled" 0 'image updated' -- k -n "$NS" set image deploy/stuck busybox=127.0.0.1:1/missing:nope
expect "rollout status reports the deadline" 1 'exceeded its progress deadline' -- k -n "$NS" rollout status deploy/stuck --timeout=90s
expect "Progressing: ProgressDeadlineExceeded" 0 '^False ProgressDeadlineExceeded ReplicaSet "stuck-[a-z0-9]+" has timed out progressing.$' -- k -n "$NS" get deploy stuck -o jsonpath='{.status.conditions[?(@.type=="Progressing")].status} {.status.conditions[?(@.type=="Progressing")].reason} {.status.conditions[?(@.type=="Progressing")].message}'
expect "the old pod keeps running" 0 '^stuck +1/1 +1 +1 ' -- k -n "$NS" get deploy stuck --no-headers

# kill -9 of the server mid-rollout: after the restart the rollout resumes and finishes, with no extra pods.
cat >"$DATA_DIR/crash.yaml" <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: crash}
spec:
  replicas: 4
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
  selector: {matchLabels: {app: crash}}
  template:
    metadata: {labels: {app: crash}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: crashc
        image: $V1
        imagePullPolicy: IfNotPresent
        command: [sh, -c, "touch /tmp/ready; exec sleep 100000"]
        readinessProbe: {exec: {command: [cat, /tmp/ready]}, initialDelaySeconds: 2, periodSeconds: 1}
YAML
expect "apply the deployment to crash through" 0 'deployment.apps/crash created' -- k -n "$NS" apply -f "$DATA_DIR/crash.yaml"
expect "crash: rolled out" 0 'successfully rolled out' -- k -n "$NS" rollout status deploy/crash --timeout=90s
expect "crash: set image" 0 'image updated' -- k -n "$NS" set image deploy/crash crashc=$V2
active_sets() { k -n "$NS" get rs -l "app=$1" -o jsonpath='{range .items[*]}{.spec.replicas}{"\n"}{end}' | grep -vc '^0$'; }
eventually "crash: mid-rollout (both sets asked for pods)" 30 '^2$' -- active_sets crash
kill9_server
start_server "$DATA_DIR"
expect "after kill -9 + restart: rollout status completes" 0 'successfully rolled out' -- k -n "$NS" rollout status deploy/crash --timeout=120s
eventually "after restart: 4 live pods, all v2" 60 "^4 ${V2//./\\.}$" -- image_counts crash
crash_containers() { docker ps -q --filter "label=io.kubernetes.pod.namespace=$NS" --filter label=io.kubernetes.container.name=crashc | wc -l; }
eventually "after restart: docker agrees (4 containers of the app once old pods are gone)" 60 '^4$' -- crash_containers
expect "after restart: 2 sets, the new one at 4" 0 '^0 4 $' -- k -n "$NS" get rs -l app=crash --sort-by=.metadata.creationTimestamp -o jsonpath='{range .items[*]}{.spec.replicas} {end}'

# @kubernetes/client-node: /scale on a Deployment and a watch on its status (once, not per kubectl).
if [ "$KVER" = "1.33" ] || [ -n "${KUBECTL:-}" ]; then
  out="$(node "$ROOT/conformance/clients/client-node-deployment.mjs" "$KC" "cnd-$RANDOM" 2>&1)"; rc=$?
  while read -r line; do case "$line" in ok\ *) pass "client-node: ${line#ok }";; FAIL\ *) fail "client-node: ${line#FAIL }";; esac; done <<<"$out"
  [ $rc = 0 ] || [ -n "$(grep '^FAIL' <<<"$out")" ] || fail "client-node deployment exited $rc" "$out"
fi
