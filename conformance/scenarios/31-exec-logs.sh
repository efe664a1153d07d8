# Logs, exec and attach on running pods: kubectl logs (tail, timestamps, limit-bytes, -f ending with the container,
# errors for unknown/previous containers) and exec/attach with every kubectl: over WebSocket (v5.channel.k8s.io) with
# kubectl >= 1.30, over SPDY/3.1 (v4.channel.k8s.io) with 1.29.
# Needs the pod runtime: pods are applied with spec.nodeName and the local dockube/busybox:test image.
k create ns "$NS" >/dev/null
NODE="$(k get nodes -o jsonpath='{.items[0].metadata.name}')"

cat > "$DATA_DIR/31-pods.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: shell}
spec:
  nodeName: $NODE
  containers:
  - name: main
    image: dockube/busybox:test
    imagePullPolicy: IfNotPresent
    command: [sh, -c, 'echo hello-1; echo hello-2; sleep 0.3; echo to-stderr >&2; exec sleep 3600']
---
apiVersion: v1
kind: Pod
metadata: {name: two}
spec:
  nodeName: $NODE
  containers:
  - {name: a, image: dockube/busybox:test, imagePullPolicy: IfNotPresent, command: [sh, -c, 'echo from-a; exec sleep 3600']}
  - {name: b, image: dockube/busybox:test, imagePullPolicy: IfNotPresent, command: [sh, -c, 'echo from-b; exec sleep 3600']}
---
apiVersion: v1
kind: Pod
metadata: {name: attachable}
spec:
  nodeName: $NODE
  containers:
  - {name: main, image: dockube/busybox:test, imagePullPolicy: IfNotPresent, command: [cat], stdin: true, stdinOnce: true}
YAML
k -n "$NS" apply -f "$DATA_DIR/31-pods.yaml" >/dev/null
for p in shell two attachable; do
  eventually "pod $p becomes Ready" 60 '^True$' -- k -n "$NS" get pod "$p" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'
done

# ---- logs ----
eventually "kubectl logs prints stdout and stderr" 10 'to-stderr' -- k -n "$NS" logs shell
expect "logs --tail=1" 0 '^to-stderr$' -- k -n "$NS" logs shell --tail=1
expect "logs --timestamps" 0 '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z hello-1$' -- k -n "$NS" logs shell --timestamps
expect "logs --limit-bytes=5" 0 '^hello$' -- k -n "$NS" logs shell --limit-bytes=5
expect "logs --since=1h" 0 'hello-2' -- k -n "$NS" logs shell --since=1h
expect "logs -c of an unknown container" 1 'container nope is not valid for pod shell' -- k -n "$NS" logs shell -c nope
expect "logs --previous without a previous container" 1 'previous terminated container "main" in pod "shell" not found' -- k -n "$NS" logs shell --previous
expect "logs of a two-container pod defaults to the first (client-side)" 0 'from-a' -- k -n "$NS" logs two
expect "logs -c b" 0 'from-b' -- k -n "$NS" logs two -c b
expect "the server asks for a container name when none is given" 1 'a container name must be specified for pod two, choose one of: \[a b\]' -- \
  k get --raw "/api/v1/namespaces/$NS/pods/two/log"

k -n "$NS" run short --image=dockube/busybox:test --image-pull-policy=IfNotPresent --restart=Never \
  --overrides="{\"apiVersion\":\"v1\",\"spec\":{\"nodeName\":\"$NODE\"}}" -- sh -c 'echo first; sleep 2; echo last' >/dev/null
eventually "short-lived pod starts" 60 '^(Running|Succeeded)$' -- k -n "$NS" get pod short -o 'jsonpath={.status.phase}'
expect "logs -f follows and ends when the container exits" 0 'last' -- timeout 30 "$KCTL" --kubeconfig "$KC" --cache-dir "$CACHE_DIR" -n "$NS" logs -f short

# ---- exec / attach ----
expect "exec echo" 0 '^hi there$' -- k -n "$NS" exec shell -- echo hi there
expect "exec exit code 3 is kubectl's exit code" 3 'command terminated with exit code 3' -- k -n "$NS" exec shell -- sh -c 'echo out; echo err >&2; exit 3'
exec_stdin() { printf 'abc\ndef\n' | k -n "$NS" exec -i shell -- cat; }
expect "exec -i: stdin reaches the process and EOF ends it" 0 '^def$' -- exec_stdin
expect "exec of a missing command" 1 'executable file not found' -- k -n "$NS" exec shell -- nosuchcmd
expect "exec -c of an unknown container" 1 'nope' -- k -n "$NS" exec shell -c nope -- true
expect "exec -c b in a two-container pod" 0 '^b-here$' -- k -n "$NS" exec two -c b -- echo b-here
attach_stdin() { printf 'ping\n' | timeout 30 "$KCTL" --kubeconfig "$KC" --cache-dir "$CACHE_DIR" -n "$NS" attach -i attachable; }
expect "attach -i: the main process gets stdin and answers" 0 'ping' -- attach_stdin
