# emptyDir as a non-root user (issue 9; upstream test/e2e/common/storage/empty_dir.go "(non-root,0777,default)" and
# "(non-root,0666,tmpfs)", "volume on default medium should have the correct mode"): the volume's root is 0777 on
# disk and on tmpfs so a container running as uid 1000 writes to it; a `medium: Memory` emptyDir is a tmpfs of the
# kubelet's that keeps its files when the container restarts. Local image only; results read with `kubectl logs`.
k create ns "$NS" >/dev/null

cat > "$DATA_DIR/56-pods.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: nonroot}
spec:
  restartPolicy: Never
  securityContext: {runAsUser: 1000}
  containers:
  - name: main
    image: dockube/busybox:test
    imagePullPolicy: IfNotPresent
    command: [sh, -c, 'echo "uid=\$(id -u) modes=\$(stat -c %a /disk /mem | tr "\n" " ")"; echo hi > /disk/f && echo hi > /mem/f && echo "owner=\$(stat -c %u /disk/f /mem/f | tr "\n" " ")"; grep " /mem " /proc/mounts | cut -d" " -f3']
    volumeMounts: [{name: disk, mountPath: /disk}, {name: mem, mountPath: /mem}]
  volumes:
  - {name: disk, emptyDir: {}}
  - {name: mem, emptyDir: {medium: Memory}}
---
apiVersion: v1
kind: Pod
metadata: {name: memkeep}
spec:
  restartPolicy: Always
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: dockube/busybox:test
    imagePullPolicy: IfNotPresent
    command: [sh, -c, 'if [ -f /mem/first ]; then echo "kept \$(cat /mem/first)"; exec sleep 3600; else echo run-1 > /mem/first; echo "wrote"; exit 1; fi']
    volumeMounts: [{name: mem, mountPath: /mem}]
  volumes:
  - {name: mem, emptyDir: {medium: Memory, sizeLimit: 8Mi}}
YAML
expect "kubectl apply the pods" 0 'pod/memkeep created' -- k -n "$NS" apply -f "$DATA_DIR/56-pods.yaml"
eventually "the non-root pod completes" 60 '^Succeeded$' -- k -n "$NS" get pod nonroot -o 'jsonpath={.status.phase}'
expect "uid 1000 sees both emptyDirs 0777" 0 '^uid=1000 modes=777 777 $' -- k -n "$NS" logs nonroot
expect "uid 1000 wrote a file to each" 0 '^owner=1000 1000 $' -- k -n "$NS" logs nonroot
expect "the Memory emptyDir is a tmpfs" 0 '^tmpfs$' -- k -n "$NS" logs nonroot
eventually "the Memory emptyDir's file survived the restart" 60 '^kept run-1$' -- k -n "$NS" logs memkeep
expect "the container was restarted once (restartCount counts the new start)" 0 '^1 true$' -- \
  k -n "$NS" get pod memkeep -o 'jsonpath={.status.containerStatuses[0].restartCount} {.status.containerStatuses[0].ready}'
expect "the previous run wrote it" 0 '^wrote$' -- k -n "$NS" logs memkeep --previous
expect "kubectl delete the pods" 0 'pod "nonroot" deleted' -- k -n "$NS" delete pod memkeep nonroot --wait=true
# The kubelet unmounts a pod's tmpfs when it cleans the pod up (pods otherwise outlive a server stop, and so do they).
eventually "no tmpfs of the pods stays mounted under the data dir" 30 '^0$' -- \
  bash -c "grep -c \" $(realpath "$DATA_DIR")/pods/[^ ]*/volumes/mem \" /proc/self/mountinfo"
