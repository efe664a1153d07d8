# Storage kinds with behaviour, with kubectl: a claim of the default class gets a provisioned PersistentVolume
# (pvc-<uid>, pre-bound, provisioned-by, the class's reclaim policy, node affinity) that goes with its Docker volume
# when the claim does (Delete); a Retain class leaves the PV Released and the Docker volume in place; a hostPath PV
# is bound statically and mounted into a pod, and deleted stays Terminating until its claim goes; a local PV of a WaitForFirstConsumer class is bound only once a pod
# using its claim is scheduled (onto the PV's node), and a local PV on another node leaves its pod Pending.
k create ns "$NS" >/dev/null
NODE="$(k get nodes -o jsonpath='{.items[0].metadata.name}')"

# in_pod POD CMD...: runs CMD in the `main` container of pod POD of $NS (docker exec: kubectl 1.29 has no WebSocket exec).
in_pod() {
  local pod="$1"; shift
  local id
  id="$(docker ps -q --filter "label=dockube.io/data-dir=$DATA_DIR" --filter "label=io.kubernetes.pod.namespace=$NS" \
    --filter "label=io.kubernetes.pod.name=$pod" --filter "label=io.kubernetes.container.name=main" | head -1)"
  [ -n "$id" ] || { echo "no running container for pod $pod"; return 1; }
  docker exec "$id" "$@"
}
claim_yaml() { # NAME CLASS SIZE
  printf 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: %s}\nspec:\n  storageClassName: "%s"\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: %s}}\n---\n' "$1" "$2" "$3"
}
pod_yaml() { # NAME CLAIM: a pod (scheduled by the scheduler) mounting CLAIM at /data
  printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: %s}\nspec:\n  terminationGracePeriodSeconds: 1\n  containers:\n  - {name: main, image: dockube/busybox:test, imagePullPolicy: IfNotPresent, command: [sh, -c, "exec sleep 3600"], volumeMounts: [{name: d, mountPath: /data}]}\n  volumes:\n  - {name: d, persistentVolumeClaim: {claimName: %s}}\n---\n' "$1" "$2"
}
local_pv_yaml() { # NAME PATH NODE CLASS
  cat <<YAML
apiVersion: v1
kind: PersistentVolume
metadata: {name: $1}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: $4
  local: {path: $2}
  nodeAffinity:
    required:
      nodeSelectorTerms:
      - matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [$3]}]
---
YAML
}

# 1. Provisioned: a PersistentVolume per claim, deleted with its Docker volume (reclaim policy Delete).
{
  claim_yaml dyn local 64Mi
  printf 'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: keep}\nprovisioner: dockube.io/docker-volume\nreclaimPolicy: Retain\n---\n'
  claim_yaml kept keep 32Mi
} > "$DATA_DIR/109-dynamic.yaml"
k -n "$NS" apply -f "$DATA_DIR/109-dynamic.yaml" >/dev/null
eventually "the claim is Bound to its provisioned volume" 30 '^dyn +Bound +pvc-[0-9a-f-]+ +64Mi +RWO +local ' -- k -n "$NS" get pvc dyn --no-headers
PV="$(k -n "$NS" get pvc dyn -o 'jsonpath={.spec.volumeName}')"
UID_DYN="$(k -n "$NS" get pvc dyn -o 'jsonpath={.metadata.uid}')"
expect "the PV is named after the claim's uid" 0 "^pvc-$UID_DYN\$" -- echo "$PV"
expect "kubectl get pv shows it Bound to the claim with the class's Delete policy" 0 "^$PV +64Mi +RWO +Delete +Bound +$NS/dyn +local " -- k get pv "$PV" --no-headers
expect "the PV names its provisioner, its claim and its node" 0 "^dockube.io/docker-volume $NS/dyn $UID_DYN kubernetes.io/hostname=$NODE docker-volume.dockube.io/$PV\$" -- \
  k get pv "$PV" -o "jsonpath={.metadata.annotations['pv\.kubernetes\.io/provisioned-by']} {.spec.claimRef.namespace}/{.spec.claimRef.name} {.spec.claimRef.uid} {.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].key}={.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values[0]} {.spec.csi.driver}/{.spec.csi.volumeHandle}"
expect "kubectl describe pv shows the node affinity" 0 "Term 0: +kubernetes.io/hostname in \[$NODE\]" -- k describe pv "$PV"
expect "its Docker volume exists" 0 "^$PV\$" -- docker volume ls -q --filter "name=$PV"
eventually "the Retain class's claim is Bound" 30 '^kept +Bound ' -- k -n "$NS" get pvc kept --no-headers
KEPT="$(k -n "$NS" get pvc kept -o 'jsonpath={.spec.volumeName}')"
expect "kubectl get pv shows the Retain policy" 0 "^$KEPT +32Mi +RWO +Retain +Bound +$NS/kept +keep " -- k get pv "$KEPT" --no-headers
k -n "$NS" delete pvc dyn kept --wait=false >/dev/null
eventually "the Delete PV goes with its claim" 30 'NotFound' -- k get pv "$PV"
eventually "and so does its Docker volume" 30 '^gone$' -- sh -c "docker volume ls -q | grep -qx '$PV' && echo present || echo gone"
eventually "the Retain PV is Released" 30 "^$KEPT +32Mi +RWO +Retain +Released +$NS/kept +keep " -- k get pv "$KEPT" --no-headers
expect "its Docker volume stays" 0 "^$KEPT\$" -- docker volume ls -q --filter "name=$KEPT"

# 2. A hostPath PV bound statically (no class) and mounted into a pod.
mkdir -p "$DATA_DIR/109-hostpath" && echo from-the-host > "$DATA_DIR/109-hostpath/file"
{
  printf 'apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: hp-%s}\nspec:\n  capacity: {storage: 1Gi}\n  accessModes: [ReadWriteOnce]\n  storageClassName: ""\n  hostPath: {path: %s, type: Directory}\n---\n' "$NS" "$DATA_DIR/109-hostpath"
  claim_yaml hp "" 100Mi
  pod_yaml hp-reader hp
} > "$DATA_DIR/109-hostpath.yaml"
k -n "$NS" apply -f "$DATA_DIR/109-hostpath.yaml" >/dev/null
eventually "the claim binds the hostPath PV" 30 "^hp +Bound +hp-$NS +1Gi +RWO " -- k -n "$NS" get pvc hp --no-headers
expect "the pod using it becomes Ready" 0 'condition met' -- k -n "$NS" wait --for=condition=Ready pod/hp-reader --timeout=60s
expect "the pod reads the host's file through the PV" 0 '^from-the-host$' -- in_pod hp-reader cat /data/file
expect "and writes to the host directory" 0 '' -- in_pod hp-reader sh -c 'echo from-the-pod > /data/back'
expect "the host sees the pod's write" 0 '^from-the-pod$' -- cat "$DATA_DIR/109-hostpath/back"
expect "kubectl delete pv of a Bound volume" 0 "persistentvolume \"hp-$NS\" deleted" -- k delete pv "hp-$NS" --wait=false
expect "it stays Terminating while its claim is bound (pv-protection)" 0 "^hp-$NS +1Gi +RWO +Retain +Terminating +$NS/hp " -- k get pv "hp-$NS" --no-headers
k -n "$NS" delete pod hp-reader --wait=false >/dev/null
k -n "$NS" delete pvc hp --wait=false >/dev/null
eventually "it goes once the claim is gone" 30 'NotFound' -- k get pv "hp-$NS"

# 3. Local PVs of a WaitForFirstConsumer class: bound on the node the pod is scheduled to; none there, the pod waits.
mkdir -p "$DATA_DIR/109-local" && echo local-data > "$DATA_DIR/109-local/file"
{
  printf 'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: local-wait}\nprovisioner: kubernetes.io/no-provisioner\nvolumeBindingMode: WaitForFirstConsumer\n---\n'
  local_pv_yaml "here-$NS" "$DATA_DIR/109-local" "$NODE" local-wait
  claim_yaml lc local-wait 500Mi
} > "$DATA_DIR/109-local.yaml"
k -n "$NS" apply -f "$DATA_DIR/109-local.yaml" >/dev/null
expect "kubectl get sc shows the binding mode" 0 '^local-wait +kubernetes.io/no-provisioner +Delete +WaitForFirstConsumer ' -- k get sc local-wait --no-headers
eventually "the claim waits for its first consumer" 30 'WaitForFirstConsumer +.*waiting for first consumer to be created before binding' -- k -n "$NS" describe pvc lc
expect "the claim is Pending and the PV Available" 0 "^Pending Available\$" -- \
  sh -c "echo \$($KCTL --kubeconfig $KC --cache-dir $CACHE_DIR -n $NS get pvc lc -o jsonpath='{.status.phase}') \$($KCTL --kubeconfig $KC --cache-dir $CACHE_DIR get pv here-$NS -o jsonpath='{.status.phase}')"
pod_yaml local-reader lc > "$DATA_DIR/109-local-pod.yaml"
k -n "$NS" apply -f "$DATA_DIR/109-local-pod.yaml" >/dev/null
expect "the pod using it is scheduled and becomes Ready" 0 'condition met' -- k -n "$NS" wait --for=condition=Ready pod/local-reader --timeout=60s
expect "on the local PV's node" 0 "^$NODE\$" -- k -n "$NS" get pod local-reader -o 'jsonpath={.spec.nodeName}'
expect "the claim is bound to the local PV" 0 "^lc +Bound +here-$NS +1Gi +RWO +local-wait " -- k -n "$NS" get pvc lc --no-headers
expect "the pod reads the local volume" 0 '^local-data$' -- in_pod local-reader cat /data/file

{
  local_pv_yaml "there-$NS" "$DATA_DIR/109-local" elsewhere local-wait
  claim_yaml far local-wait 500Mi
  pod_yaml far-reader far
} > "$DATA_DIR/109-far.yaml"
k -n "$NS" apply -f "$DATA_DIR/109-far.yaml" >/dev/null
eventually "a pod whose only local PV is on another node stays Pending" 30 "FailedScheduling .*0/1 nodes are available: 1 node\(s\) didn't find available persistent volumes to bind" -- \
  k -n "$NS" describe pod far-reader
expect "its claim stays Pending" 0 '^far +Pending ' -- k -n "$NS" get pvc far --no-headers
