# StatefulSets on the real engine (issue 14): a 3-replica set behind a headless Service starts web-0, web-1, web-2
# in order (each created only once the previous one is Ready), each with hostname = pod name, the pod-name and
# pod-index labels and its own PVC www-web-N; a deleted web-1 comes back with the same name and the same data;
# scale-down removes the highest ordinal and keeps its claim; a rolling update to another image replaces pods from
# the highest ordinal down; rollout status, history and undo; ControllerRevisions served with their table; the
# pods resolve as <pod>.<service>.<ns>.svc.cluster.local from another pod.
bash "$ROOT/scripts/build-test-images.sh" >/dev/null 2>&1 || fail "build-test-images.sh"
docker tag dockube/busybox:test dockube/busybox:v2
k create ns "$NS" >/dev/null
V1=dockube/busybox:test
V2=dockube/busybox:v2

# Same-run baseline for the times below: one pod with a claim of its own, from apply to Ready.
t0=$(date +%s%N)
k -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: base}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Mi}}}
---
apiVersion: v1
kind: Pod
metadata: {name: baseline}
spec:
  terminationGracePeriodSeconds: 1
  containers: [{name: c, image: $V1, command: [sleep, "100000"], volumeMounts: [{name: d, mountPath: /data}]}]
  volumes: [{name: d, persistentVolumeClaim: {claimName: base}}]
YAML
k -n "$NS" wait --for=condition=Ready pod/baseline --timeout=60s >/dev/null
echo "       (baseline: one pod with a new PVC, apply -> Ready: $(( ($(date +%s%N) - t0) / 1000000 )) ms)"
k -n "$NS" delete pod baseline --wait=false >/dev/null

k -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: {name: nginx}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{name: http, port: 80}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: nginx
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: web
        image: $V1
        command: [sh, -c, 'hostname > /data/host; exec httpd -f -p 80 -h /data']
        volumeMounts: [{name: www, mountPath: /data}]
  volumeClaimTemplates:
  - metadata: {name: www}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Mi}}}
YAML
t0=$(date +%s%N)
expect "rollout status: 3 pods ready" 0 'partitioned roll out complete: 3 new pods have been updated|roll out complete' -- \
  k -n "$NS" rollout status sts/web --timeout=120s
echo "       (create -> 3/3 ready, one after another: $(( ($(date +%s%N) - t0) / 1000000 )) ms)"
expect "get sts: READY 3/3" 0 '^web +3/3 ' -- k -n "$NS" get sts web --no-headers
expect "get sts -o wide: containers and images" 0 "^web +3/3 +[0-9a-z]+ +web +${V1//./\\.}\$" -- k -n "$NS" get sts web -o wide --no-headers
expect "the short name sts and get all" 0 'statefulset\.apps/web +3/3' -- k -n "$NS" get all
expect "pods named web-0..2 with their pod-index label" 0 '^web-0 0 web-0,web-1 1 web-1,web-2 2 web-2,$' -- \
  k -n "$NS" get pods -l app=web -o 'jsonpath={range .items[*]}{.metadata.name} {.metadata.labels.apps\.kubernetes\.io/pod-index} {.metadata.labels.statefulset\.kubernetes\.io/pod-name},{end}'
expect "hostname and subdomain" 0 '^web-1 nginx$' -- k -n "$NS" get pod web-1 -o 'jsonpath={.spec.hostname} {.spec.subdomain}'
expect "the container's hostname is the pod's name" 0 '^web-2$' -- k -n "$NS" exec web-2 -- cat /data/host
# Ordered start: each pod was created no earlier than the one before it became Ready (RFC 3339 compares as text).
order_ok() {
  for i in 1 2; do
    local ready created
    ready="$(k -n "$NS" get pod "web-$((i - 1))" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].lastTransitionTime}')"
    created="$(k -n "$NS" get pod "web-$i" -o 'jsonpath={.metadata.creationTimestamp}')"
    [[ "$created" < "$ready" ]] && { echo "web-$i created $created before web-$((i - 1)) ready $ready"; return; }
  done
  echo ordered
}
expect "OrderedReady: each pod created after the previous one was Ready" 0 '^ordered$' -- order_ok
expect "events: created in ordinal order" 0 'web-0.*web-1.*web-2' -- bash -c \
  "$KCTL --kubeconfig $KC -n $NS get events --field-selector involvedObject.name=web -o jsonpath='{range .items[*]}{.message},{end}' | tr ',' '\n' | grep -o 'create Pod web-[0-9]' | tr '\n' ' '"
expect "a PVC per pod, bound" 0 '^www-web-0 Bound,www-web-1 Bound,www-web-2 Bound,$' -- \
  k -n "$NS" get pvc -l app=web -o 'jsonpath={range .items[*]}{.metadata.name} {.status.phase},{end}'
expect "ControllerRevisions: one, controlled by the set, revision 1" 0 '^web-[bcdfghjklmnpqrstvwxz2456789]+ +statefulset\.apps/web +1 ' -- \
  k -n "$NS" get controllerrevisions --no-headers
REV1="$(k -n "$NS" get controllerrevisions -o jsonpath='{.items[0].metadata.name}')"
expect "status: revisions and counts" 0 "^3 3 3 3 3 $REV1 $REV1 1\$" -- k -n "$NS" get sts web -o \
  'jsonpath={.status.replicas} {.status.readyReplicas} {.status.currentReplicas} {.status.updatedReplicas} {.status.availableReplicas} {.status.currentRevision} {.status.updateRevision} {.status.observedGeneration}'
expect "pods carry the revision's name as controller-revision-hash" 0 "^$REV1 $REV1 $REV1 \$" -- \
  k -n "$NS" get pods -l app=web -o 'jsonpath={range .items[*]}{.metadata.labels.controller-revision-hash} {end}'

# Stable storage: web-1 comes back with its name and its data.
k -n "$NS" exec web-1 -- sh -c 'echo data-of-web-1 > /data/marker'
UID1="$(k -n "$NS" get pod web-1 -o jsonpath='{.metadata.uid}')"
expect "delete web-1" 0 'pod "web-1" deleted' -- k -n "$NS" delete pod web-1 --wait=true
eventually "web-1 is back (a new pod of the same name) and Ready" 60 '^new True$' -- bash -c \
  "$KCTL --kubeconfig $KC -n $NS get pod web-1 -o 'jsonpath={.metadata.uid} {.status.conditions[?(@.type==\"Ready\")].status}' | awk '{print (\$1 != \"$UID1\" ? \"new\" : \"old\"), \$2}'"
expect "the recreated web-1 reads the data of the first one" 0 '^data-of-web-1$' -- k -n "$NS" exec web-1 -- cat /data/marker

# DNS through the headless service.
k -n "$NS" run client --image=$V1 --restart=Never --overrides='{"apiVersion":"v1","spec":{"terminationGracePeriodSeconds":1}}' -- sleep 100000 >/dev/null
k -n "$NS" wait --for=condition=Ready pod/client --timeout=60s >/dev/null
IP0="$(k -n "$NS" get pod web-0 -o jsonpath='{.status.podIP}')"
eventually "web-0.nginx.$NS.svc.cluster.local resolves to web-0's IP from another pod" 30 "^Address: ${IP0//./\\.}\$" -- \
  k -n "$NS" exec client -- nslookup "web-0.nginx.$NS.svc.cluster.local"
expect "and the pod answers on that name" 0 '^web-0$' -- k -n "$NS" exec client -- wget -qO- "http://web-0.nginx.$NS.svc.cluster.local/host"

# Scale down: web-2 goes, its claim stays.
expect "scale to 2" 0 'statefulset.apps/web scaled' -- k -n "$NS" scale sts web --replicas=2
eventually "web-2 is gone" 60 '^web-0 web-1 $' -- k -n "$NS" get pods -l app=web -o 'jsonpath={range .items[*]}{.metadata.name} {end}'
expect "the PVCs survive the scale-down (Retain)" 0 '^www-web-0 www-web-1 www-web-2 $' -- k -n "$NS" get pvc -l app=web -o 'jsonpath={range .items[*]}{.metadata.name} {end}'
expect "scale back to 3" 0 'statefulset.apps/web scaled' -- k -n "$NS" scale sts web --replicas=3
expect "rollout status after scaling up" 0 'roll' -- k -n "$NS" rollout status sts/web --timeout=90s

# Rolling update to V2: pods replaced from the highest ordinal down.
k -n "$NS" annotate sts web kubernetes.io/change-cause='to v2' >/dev/null
t0=$(date +%s%N)
expect "set image" 0 'statefulset.apps/web image updated' -- k -n "$NS" set image sts/web web=$V2
expect "rollout status completes" 0 'partitioned roll out complete|roll out complete' -- k -n "$NS" rollout status sts/web --timeout=150s
echo "       (set image -> rollout complete, 3 pods one at a time: $(( ($(date +%s%N) - t0) / 1000000 )) ms)"
expect "every pod runs V2" 0 "^${V2//./\\.} ${V2//./\\.} ${V2//./\\.} \$" -- k -n "$NS" get pods -l app=web -o 'jsonpath={range .items[*]}{.spec.containers[0].image} {end}'
reverse_ok() {
  local c0 c1 c2
  c0="$(k -n "$NS" get pod web-0 -o 'jsonpath={.metadata.creationTimestamp}')"
  c1="$(k -n "$NS" get pod web-1 -o 'jsonpath={.metadata.creationTimestamp}')"
  c2="$(k -n "$NS" get pod web-2 -o 'jsonpath={.metadata.creationTimestamp}')"
  if [[ ! "$c1" < "$c2" && ! "$c0" < "$c1" ]]; then echo reverse; else echo "web-0 $c0 web-1 $c1 web-2 $c2"; fi
}
expect "the update went web-2, web-1, web-0" 0 '^reverse$' -- reverse_ok
expect "events: deleted in reverse ordinal order" 0 'web-2 .*web-1 .*web-0 ' -- bash -c \
  "$KCTL --kubeconfig $KC -n $NS get events --field-selector involvedObject.name=web -o jsonpath='{range .items[*]}{.message},{end}' | tr ',' '\n' | grep -o 'delete Pod web-[0-9]' | tail -3 | tr '\n' ' '"
REV2="$(k -n "$NS" get sts web -o jsonpath='{.status.updateRevision}')"
expect "status: current revision is the update revision" 0 "^$REV2 $REV2 3\$" -- k -n "$NS" get sts web -o 'jsonpath={.status.currentRevision} {.status.updateRevision} {.status.updatedReplicas}'
expect "rollout history: two revisions, the change cause" 0 '2 +to v2' -- k -n "$NS" rollout history sts/web
expect "rollout history --revision=1 shows V1's template" 0 "Image:[[:space:]]+${V1//./\\.}" -- k -n "$NS" rollout history sts/web --revision=1
expect "rollout undo" 0 'statefulset.apps/web rolled back' -- k -n "$NS" rollout undo sts/web
expect "rollout status after undo" 0 'roll out complete' -- k -n "$NS" rollout status sts/web --timeout=150s
expect "every pod runs V1 again" 0 "^${V1//./\\.} ${V1//./\\.} ${V1//./\\.} \$" -- k -n "$NS" get pods -l app=web -o 'jsonpath={range .items[*]}{.spec.containers[0].image} {end}'
expect "undo renumbers revision 1 as 3 (no copy)" 0 "^$REV1 3,$REV2 2,\$|^$REV2 2,$REV1 3,\$" -- \
  k -n "$NS" get controllerrevisions -o 'jsonpath={range .items[*]}{.metadata.name} {.revision},{end}'
expect "a spec field outside the allowed ones may not change" 1 "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden" -- \
  k -n "$NS" patch sts web --type merge -p '{"spec":{"serviceName":"other"}}'
# persistentVolumeClaimRetentionPolicy whenScaled: Delete: the claim of a scaled-away pod goes with it.
expect "whenScaled: Delete" 0 'statefulset.apps/web patched' -- k -n "$NS" patch sts web --type merge -p '{"spec":{"persistentVolumeClaimRetentionPolicy":{"whenScaled":"Delete"}}}'
expect "scale to 2 again" 0 'statefulset.apps/web scaled' -- k -n "$NS" scale sts web --replicas=2
eventually "web-2 and its claim are gone, the others' claims stay" 60 '^web-0 web-1 \| www-web-0 www-web-1 $' -- bash -c \
  "echo \"\$($KCTL --kubeconfig $KC -n $NS get pods -l app=web -o jsonpath='{range .items[*]}{.metadata.name} {end}')| \$($KCTL --kubeconfig $KC -n $NS get pvc -l app=web -o jsonpath='{range .items[*]}{.metadata.name} {end}')\""
expect "describe sts" 0 'Pods Status: +2 Running / 0 Waiting / 0 Succeeded / 0 Failed' -- k -n "$NS" describe sts web
expect "describe shows the claim template" 0 'Volume Claims:' -- k -n "$NS" describe sts web
# A claim left by an earlier web-2 (its owner reference names another pod's uid) is stale: the new web-2 waits until
# the garbage collector has removed it (held here by a finalizer for a while), then gets a claim of its own.
k -n "$NS" create -f - >/dev/null <<'YAML'
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: www-web-2
  labels: {app: web}
  finalizers: [example.com/hold]
  ownerReferences: [{apiVersion: v1, kind: Pod, name: web-2, uid: 00000000-0000-0000-0000-0000000000aa, controller: true}]
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Mi}}}
YAML
stale=$(k -n "$NS" get pvc www-web-2 -o jsonpath='{.metadata.uid}')
expect "scale to 3 beside a stale claim of web-2" 0 'statefulset.apps/web scaled' -- k -n "$NS" scale sts web --replicas=3
sleep 3
expect "web-2 is not created while the stale claim is there" 0 '^web-0 web-1 $' -- k -n "$NS" get pods -l app=web -o jsonpath='{range .items[*]}{.metadata.name} {end}'
expect "the stale claim is let go" 0 'patched' -- k -n "$NS" patch pvc www-web-2 --type=json -p '[{"op":"remove","path":"/metadata/finalizers"}]'
eventually "web-2 runs, with a new claim of its own" 90 "^Running www-web-2 [0-9a-f-]+ /\$" -- bash -c \
  "echo \"\$($KCTL --kubeconfig $KC -n $NS get pod web-2 -o jsonpath='{.status.phase}') \$($KCTL --kubeconfig $KC -n $NS get pvc www-web-2 -o jsonpath='{.metadata.name} {.metadata.uid} {.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}' | grep -v '$stale')\""
