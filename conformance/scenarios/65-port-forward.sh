# kubectl port-forward to a pod, a Deployment and a Service (kubectl resolves deploy/ and svc/ to a pod and its target
# port itself): an HTTP request through each; a 10 MB file whose checksum matches the pod's; several local connections
# at once; a port nobody listens on gives kubectl's error with the kubelet's "connection refused". kubectl 1.33 tunnels
# SPDY in a WebSocket; 1.29 upgrades to SPDY/3.1; 1.33 with KUBECTL_PORT_FORWARD_WEBSOCKETS=false takes the SPDY path too.
k create ns "$NS" >/dev/null
k -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: web
        image: dockube/busybox:test
        imagePullPolicy: IfNotPresent
        command: [sh, -c, 'mkdir -p /www && echo hello-65 > /www/index.html && head -c 10485760 /dev/urandom > /www/big.bin && md5sum /www/big.bin | cut -d" " -f1 > /www/big.md5 && exec httpd -f -p 8080 -h /www']
        ports: [{name: http, containerPort: 8080}]
        readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
YAML
eventually "the web pod becomes Ready" 90 '^True$' -- k -n "$NS" get pods -l app=web -o 'jsonpath={.items[0].status.conditions[?(@.type=="Ready")].status}'
POD="$(k -n "$NS" get pods -l app=web -o 'jsonpath={.items[0].metadata.name}')"

PF_PID=
PF_LOG="$DATA_DIR/65-pf.log"
# pf TARGET REMOTE_PORT [ENV...]: starts kubectl port-forward on a free local port (LOCAL), waiting for it to listen.
pf() {
  LOCAL="$(free_port)"
  env "${@:3}" "$KCTL" --kubeconfig "$KC" --cache-dir "$CACHE_DIR" -n "$NS" port-forward ${PF_ARGS:-} --address 127.0.0.1 "$1" "$LOCAL:$2" >"$PF_LOG" 2>&1 &
  PF_PID=$!
  for _ in $(seq 1 100); do grep -q 'Forwarding from' "$PF_LOG" && return 0; sleep 0.1; done
  cat "$PF_LOG"; return 1
}
pf_stop() { [ -n "$PF_PID" ] && kill "$PF_PID" 2>/dev/null; wait "$PF_PID" 2>/dev/null; PF_PID=; }
get() { curl -sS --max-time 20 "http://127.0.0.1:$LOCAL/$1"; }

want_md5="$(k -n "$NS" exec "$POD" -- cat /www/big.md5)"
big_md5() { get big.bin | md5sum | cut -d' ' -f1; }
parallel() {
  local i pids=() rc=0
  for i in $(seq 1 8); do (get index.html > "$DATA_DIR/65-par-$i.out") & pids+=($!); done
  for i in "${pids[@]}"; do wait "$i" || rc=1; done
  cat "$DATA_DIR"/65-par-*.out | grep -c hello-65; return $rc
}

variants=("pod/$POD 8080" "deploy/web 8080" "svc/web 80")
for v in "${variants[@]}"; do
  set -- $v
  if ! pf "$1" "$2"; then fail "port-forward $1 starts listening" "$(cat "$PF_LOG")"; continue; fi
  expect "port-forward $1: an HTTP request reaches the pod" 0 '^hello-65$' -- get index.html
  expect "port-forward $1: 10 MB arrive with the pod's checksum" 0 "^$want_md5\$" -- big_md5
  expect "port-forward $1: 8 local connections at once" 0 '^8$' -- parallel
  pf_stop
done

# Which transport kubectl took: 1.31+ tunnels SPDY in a WebSocket (its dialer logs the negotiation at -v=4+).
if [ "$KVER" != "1.29" ] && PF_ARGS=-v=6 pf "pod/$POD" 8080; then
  get index.html >/dev/null 2>&1
  expect "kubectl $KVER port-forward goes over the WebSocket tunnel (its dialer negotiated portforward.k8s.io)" 0 'tunneling_dialer.*negotiated protocol: portforward.k8s.io' -- cat "$PF_LOG"
  pf_stop
fi

if pf "pod/$POD" 8080 KUBECTL_PORT_FORWARD_WEBSOCKETS=false; then
  expect "port-forward over plain SPDY (websockets off): 10 MB with the pod's checksum" 0 "^$want_md5\$" -- big_md5
  pf_stop
else
  fail "port-forward with KUBECTL_PORT_FORWARD_WEBSOCKETS=false starts listening" "$(cat "$PF_LOG")"
fi

if pf "pod/$POD" 8081; then
  get index.html >/dev/null 2>&1
  sleep 1
  expect "a closed port: kubectl reports the kubelet's refusal" 0 'error forwarding port 8081 to pod .*connection refused' -- cat "$PF_LOG"
  pf_stop
else
  fail "port-forward to a closed port starts listening" "$(cat "$PF_LOG")"
fi

k delete ns "$NS" --wait=false >/dev/null 2>&1
