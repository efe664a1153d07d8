# Volumes with kubectl: the default StorageClass `local`, a PersistentVolumeClaim bound to a Docker volume whose data
# outlives its pod, a configMap volume following `kubectl patch cm`, FailedMount for a missing configMap, and the
# claim's Docker volume removed with the claim. Files inside pods are read with `docker exec` (kubectl 1.29 cannot
# exec over WebSocket), in the container found by its pod labels.
k create ns "$NS" >/dev/null
NODE="$(k get nodes -o jsonpath='{.items[0].metadata.name}')"

# in_pod POD CMD...: runs CMD in the running `main` container of pod POD of $NS.
in_pod() {
  local pod="$1"; shift
  local id
  id="$(docker ps -q --filter "label=dockube.io/data-dir=$DATA_DIR" --filter "label=io.kubernetes.pod.namespace=$NS" \
    --filter "label=io.kubernetes.pod.name=$pod" --filter "label=io.kubernetes.container.name=main" | head -1)"
  [ -n "$id" ] || { echo "no running container for pod $pod"; return 1; }
  docker exec "$id" "$@"
}

expect "kubectl get sc shows the default class" 0 '^local \(default\) +dockube\.io/docker-volume +Delete +Immediate +false ' -- k get sc
expect "kubectl get storageclass local -o yaml" 0 'storageclass.kubernetes.io/is-default-class: "true"' -- k get storageclass local -o yaml

pod_yaml() { # NAME: a pod mounting the claim `data` at /data and the configMap `cfg` at /cfg
  cat <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $1}
spec:
  nodeName: $NODE
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: dockube/busybox:test
    imagePullPolicy: IfNotPresent
    command: [sh, -c, 'exec sleep 3600']
    volumeMounts: [{name: data, mountPath: /data}, {name: cfg, mountPath: /cfg}]
  volumes:
  - {name: data, persistentVolumeClaim: {claimName: data}}
  - {name: cfg, configMap: {name: cfg}}
YAML
}

cat > "$DATA_DIR/34-claim.yaml" <<YAML
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 64Mi}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {key: v1}
YAML
k -n "$NS" apply -f "$DATA_DIR/34-claim.yaml" >/dev/null
eventually "the claim becomes Bound to a provisioned volume" 30 '^data +Bound +pvc-[0-9a-f-]+ +64Mi +RWO +local ' -- k -n "$NS" get pvc data --no-headers
expect "the claim got the default class and the protection finalizer" 0 '^local kubernetes.io/pvc-protection$' -- \
  k -n "$NS" get pvc data -o 'jsonpath={.spec.storageClassName} {.metadata.finalizers[0]}'
VOL="$(k -n "$NS" get pvc data -o 'jsonpath={.spec.volumeName}')"
expect "kubectl describe pvc shows the binding and the provisioning events" 0 'ProvisioningSucceeded .*Successfully provisioned volume pvc-' -- k -n "$NS" describe pvc data
expect "kubectl describe sc marks the default class" 0 'IsDefaultClass: +Yes' -- k describe sc local
expect "docker volume ls lists the claim's volume" 0 "^$VOL\$" -- docker volume ls -q --filter "label=dockube.io/pvc=$NS/data"

pod_yaml writer > "$DATA_DIR/34-writer.yaml"
k -n "$NS" apply -f "$DATA_DIR/34-writer.yaml" >/dev/null
expect "the writer pod becomes Ready" 0 'condition met' -- k -n "$NS" wait --for=condition=Ready pod/writer --timeout=60s
expect "the pod writes to the claim" 0 '' -- in_pod writer sh -c 'echo persisted-data > /data/file'
expect "the configMap file is mounted" 0 '^v1$' -- in_pod writer cat /cfg/key
k -n "$NS" patch cm cfg -p '{"data":{"key":"v2"}}' >/dev/null
eventually "the configMap file changes after kubectl patch cm" 40 '^v2$' -- in_pod writer cat /cfg/key

expect "kubectl delete pod writer" 0 'pod "writer" deleted' -- k -n "$NS" delete pod writer --timeout=60s
pod_yaml reader > "$DATA_DIR/34-reader.yaml"
k -n "$NS" apply -f "$DATA_DIR/34-reader.yaml" >/dev/null
expect "a new pod on the claim becomes Ready" 0 'condition met' -- k -n "$NS" wait --for=condition=Ready pod/reader --timeout=60s
expect "the new pod reads the data back" 0 '^persisted-data$' -- in_pod reader cat /data/file

cat > "$DATA_DIR/34-missing.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: missing-cm}
spec:
  nodeName: $NODE
  terminationGracePeriodSeconds: 1
  containers:
  - {name: main, image: dockube/busybox:test, imagePullPolicy: IfNotPresent, command: [sh, -c, 'exec sleep 3600'], volumeMounts: [{name: c, mountPath: /c}]}
  volumes:
  - {name: c, configMap: {name: absent}}
YAML
k -n "$NS" apply -f "$DATA_DIR/34-missing.yaml" >/dev/null
eventually "kubectl describe shows FailedMount for the missing configMap" 30 'FailedMount .*MountVolume.SetUp failed for volume "c" : configmap "absent" not found' -- \
  k -n "$NS" describe pod missing-cm
expect "the pod waits in ContainerCreating" 0 '^missing-cm +0/1 +ContainerCreating ' -- k -n "$NS" get pod missing-cm --no-headers
k -n "$NS" create configmap absent --from-literal=x=y >/dev/null
expect "the pod starts once the configMap exists" 0 'condition met' -- k -n "$NS" wait --for=condition=Ready pod/missing-cm --timeout=60s

# Deleting the claim while a pod mounts it only marks it; it goes (with its Docker volume) when the pod does.
expect "kubectl delete pvc --wait=false" 0 'persistentvolumeclaim "data" deleted' -- k -n "$NS" delete pvc data --wait=false
expect "the claim in use shows Terminating" 0 '^data +Terminating ' -- k -n "$NS" get pvc data --no-headers
expect "its volume is still there" 0 "^$VOL\$" -- docker volume ls -q --filter "name=$VOL"
k -n "$NS" delete pod reader --timeout=60s >/dev/null
eventually "the claim is gone once no pod uses it" 30 'NotFound' -- k -n "$NS" get pvc data
eventually "the claim's Docker volume is removed" 30 '^gone$' -- sh -c "docker volume ls -q | grep -qx '$VOL' && echo present || echo gone"
