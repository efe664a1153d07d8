# Downward API defaults (issue 9; upstream test/e2e/common/node/downwardapi.go and common/storage/downwardapi_volume.go
# "node allocatable as default cpu/memory limit if the limit is not set"): a container without limits reads its
# limits.cpu and limits.memory as the Node's status.allocatable, through env vars, a downwardAPI volume and a projected
# volume, with divisors rounded up as the kubelet does. Local image only; results read with `kubectl logs`.
k create ns "$NS" >/dev/null
NODE="$(k get nodes -o jsonpath='{.items[0].metadata.name}')"
ALLOC_CPU="$(k get node "$NODE" -o 'jsonpath={.status.allocatable.cpu}')"
ALLOC_MEM="$(k get node "$NODE" -o 'jsonpath={.status.allocatable.memory}')"
# node-status reports whole CPUs and memory in Ki.
MEM_KI="${ALLOC_MEM%Ki}"
MEM_BYTES=$((MEM_KI * 1024))
MEM_MI=$(((MEM_KI + 1023) / 1024))
expect "the node reports allocatable cpu and memory" 0 '^[0-9]+ [0-9]+Ki$' -- echo "$ALLOC_CPU $ALLOC_MEM"

cat > "$DATA_DIR/55-pod.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: defaults}
spec:
  restartPolicy: Never
  containers:
  - name: main
    image: dockube/busybox:test
    imagePullPolicy: IfNotPresent
    command: [sh, -c, 'echo "CPU_LIMIT=\$CPU_LIMIT MEMORY_LIMIT=\$MEMORY_LIMIT CPU_MILLI=\$CPU_MILLI"; echo "vol-mem=\$(cat /dw/mem) proj-cpu=\$(cat /pj/cpu)"']
    env:
    - {name: CPU_LIMIT, valueFrom: {resourceFieldRef: {resource: limits.cpu}}}
    - {name: MEMORY_LIMIT, valueFrom: {resourceFieldRef: {resource: limits.memory}}}
    - {name: CPU_MILLI, valueFrom: {resourceFieldRef: {resource: limits.cpu, divisor: 1m}}}
    volumeMounts: [{name: dw, mountPath: /dw}, {name: pj, mountPath: /pj}]
  volumes:
  - name: dw
    downwardAPI:
      items: [{path: mem, resourceFieldRef: {containerName: main, resource: limits.memory, divisor: 1Mi}}]
  - name: pj
    projected:
      sources:
      - downwardAPI: {items: [{path: cpu, resourceFieldRef: {containerName: main, resource: limits.cpu}}]}
YAML
expect "kubectl apply a pod without limits reading them" 0 'pod/defaults created' -- k -n "$NS" apply -f "$DATA_DIR/55-pod.yaml"
eventually "the pod completes" 60 '^Succeeded$' -- k -n "$NS" get pod defaults -o 'jsonpath={.status.phase}'
expect "env: limits.cpu and limits.memory are the node's allocatable (cpu also in millicores)" 0 \
  "^CPU_LIMIT=$ALLOC_CPU MEMORY_LIMIT=$MEM_BYTES CPU_MILLI=$((ALLOC_CPU * 1000))\$" -- k -n "$NS" logs defaults
expect "downwardAPI volume: allocatable memory / 1Mi rounded up; projected: allocatable cpu" 0 \
  "^vol-mem=$MEM_MI proj-cpu=$ALLOC_CPU\$" -- k -n "$NS" logs defaults
