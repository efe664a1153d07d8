# Endpoints and EndpointSlices (kube-controller-manager's endpoint, endpointslice and endpointslicemirroring
# controllers; the apiserver's `kubernetes` endpoints): a 3-replica Deployment with readiness probes behind a Service
# with a named targetPort: `get endpoints,endpointslices -o wide`, the slice's labels, owner and conditions; a pod made
# unready (the file its probe reads removed) moves to notReadyAddresses / ready:false, while a publishNotReadyAddresses
# service keeps it ready; scale to 1 and the endpoints follow (the time is printed); a selectorless service's
# hand-written Endpoints mirrored into a slice; a headless service publishing a pod's hostname; the `kubernetes`
# service's endpoints at the pod gateway:<api port>; `describe svc` shows the Endpoints line; a restart on another port
# moves the `kubernetes` endpoints with it.
bash "$ROOT/scripts/build-netcheck-image.sh" >/dev/null 2>&1 || fail "build-netcheck-image.sh"
k create ns "$NS" >/dev/null
k -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: web
        image: dockube/netcheck:test
        imagePullPolicy: IfNotPresent
        command: [sh, -c, 'mkdir -p /www && hostname > /www/index.html && touch /tmp/ready && exec httpd -f -p 8080 -h /www']
        ports: [{name: http, containerPort: 8080}]
        readinessProbe: {exec: {command: [cat, /tmp/ready]}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: web, labels: {tier: front}}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: web-all}
spec:
  selector: {app: web}
  publishNotReadyAddresses: true
  ports: [{port: 80, targetPort: 8080}]
YAML
expect "the Deployment rolls out" 0 'successfully rolled out' -- k -n "$NS" rollout status deploy/web --timeout=90s
ips() { k -n "$NS" get pods -l app=web -o 'jsonpath={range .items[*]}{.status.podIP}{"\n"}{end}' | sort; }
IPS="$(ips)"
ready_ips() { k -n "$NS" get endpoints "$1" -o 'jsonpath={range .subsets[*].addresses[*]}{.ip}{"\n"}{end}' | sort; }
web_ready_ips() { ready_ips web | tr '\n' ' '; }
eventually "the Endpoints list the 3 ready pods" 20 "^$(tr '\n' ' ' <<<"$IPS")\$" -- web_ready_ips

# kubectl get -o wide: the Endpoints at the named port's number, one slice with the three addresses.
out="$(k -n "$NS" get endpoints,endpointslices -o wide 2>&1)"
if grep -Eq "^endpoints/web +([0-9.]+:8080,){2}[0-9.]+:8080 " <<<"$out" && grep -Eq "^endpointslice.discovery.k8s.io/web-[a-z0-9]{5} +IPv4 +8080 +[0-9.]+,[0-9.]+,[0-9.]+ " <<<"$out"; then
  pass "get endpoints,endpointslices -o wide: web at 3 addresses on 8080 (named targetPort resolved)"
else fail "get endpoints,endpointslices -o wide" "$out"; fi
slice() { k -n "$NS" get endpointslices -l kubernetes.io/service-name="$1" -o "jsonpath=$2"; }
expect "the slice: managed-by, service-name and the service's labels" 0 '^endpointslice-controller.k8s.io web front$' -- \
  slice web '{.items[0].metadata.labels.endpointslice\.kubernetes\.io/managed-by} {.items[0].metadata.labels.kubernetes\.io/service-name} {.items[0].metadata.labels.tier}'
expect "the slice is owned by the Service (controller)" 0 '^Service web true true$' -- \
  slice web '{.items[0].metadata.ownerReferences[0].kind} {.items[0].metadata.ownerReferences[0].name} {.items[0].metadata.ownerReferences[0].controller} {.items[0].metadata.ownerReferences[0].blockOwnerDeletion}'
expect "every endpoint ready, serving, not terminating, with its pod and node" 0 '^(true/true/false/Pod/[a-z0-9-]+/.+ ){3}$' -- \
  slice web '{range .items[0].endpoints[*]}{.conditions.ready}/{.conditions.serving}/{.conditions.terminating}/{.targetRef.kind}/{.targetRef.name}/{.nodeName} {end}'
expect "the slice's port: http 8080 TCP" 0 '^http 8080 TCP$' -- slice web '{.items[0].ports[0].name} {.items[0].ports[0].port} {.items[0].ports[0].protocol}'
describe_endpoints() { k -n "$NS" describe svc web | grep '^Endpoints:'; }
expect "describe svc: the Endpoints line" 0 "^Endpoints: +([0-9.]+:8080,){2}[0-9.]+:8080\$" -- describe_endpoints

# A pod made unready: notReadyAddresses, ready false in the slice; the publishNotReadyAddresses service keeps it.
victim="$(k -n "$NS" get pods -l app=web -o 'jsonpath={.items[0].metadata.name}')"
vip="$(k -n "$NS" get pod "$victim" -o 'jsonpath={.status.podIP}')"
k -n "$NS" exec "$victim" -- rm /tmp/ready
eventually "the unready pod moves to notReadyAddresses" 20 "^$vip\$" -- \
  k -n "$NS" get endpoints web -o 'jsonpath={.subsets[*].notReadyAddresses[*].ip}'
expect "its slice endpoint: ready false, serving false" 0 '^false/false/false$' -- \
  slice web "{.items[0].endpoints[?(@.targetRef.name==\"$victim\")].conditions.ready}/{.items[0].endpoints[?(@.targetRef.name==\"$victim\")].conditions.serving}/{.items[0].endpoints[?(@.targetRef.name==\"$victim\")].conditions.terminating}"
# The write a Ready transition caused carries its time (writes no transition caused carry none, as upstream).
expect "the last-change-trigger-time annotation" 0 '^20[0-9-]+T[0-9:.]+Z$' -- \
  k -n "$NS" get endpoints web -o 'jsonpath={.metadata.annotations.endpoints\.kubernetes\.io/last-change-trigger-time}'
expect "publishNotReadyAddresses: still an address" 0 "(^| )$vip( |\$)" -- k -n "$NS" get endpoints web-all -o 'jsonpath={.subsets[*].addresses[*].ip}'
expect "publishNotReadyAddresses: ready true in the slice" 0 '^true$' -- \
  slice web-all "{.items[0].endpoints[?(@.targetRef.name==\"$victim\")].conditions.ready}"

# Scale to 1: the Endpoints follow. A watch started before (each line stamped as it arrives) times the change from
# the scale command: what kubectl scale itself took is printed beside it.
count() { k -n "$NS" get endpoints web -o 'jsonpath={range .subsets[*].addresses[*]}{.ip} {end}{range .subsets[*].notReadyAddresses[*]}{.ip} {end}' | wc -w; }
watch_log="$(mktemp)"
# Each watched object (kubectl prints them as indented JSON, closed by a "}" line): arrival time in ms, its address count.
stamp_addresses() {
  node -e 'let b="";require("readline").createInterface({input:process.stdin}).on("line",(l)=>{b+=l+"\n";if(l!=="}")return;
    const e=JSON.parse(b);b="";const n=(e.subsets||[]).reduce((a,s)=>a+(s.addresses||[]).length+(s.notReadyAddresses||[]).length,0);
    console.log(Date.now()+" "+n)})'
}
k -n "$NS" get endpoints web -w -o json 2>/dev/null > >(stamp_addresses >"$watch_log") &
watch_pid=$!
for _ in $(seq 1 50); do [ -s "$watch_log" ] && break; sleep 0.1; done
t0="$(date +%s%3N)"
k -n "$NS" scale deploy/web --replicas=1 >/dev/null
t1="$(date +%s%3N)"
for _ in $(seq 1 200); do awk '$2 == 1' "$watch_log" | grep -q . && break; sleep 0.05; done
kill "$watch_pid" 2>/dev/null
t2="$(awk '$2 == 1 {print $1; exit}' "$watch_log")"
if [ -n "$t2" ] && [ "$(count)" = 1 ]; then
  pass "scale to 1: the Endpoints hold one address $((t2 - t0)) ms after the scale command started ($((t1 - t0)) ms of which kubectl scale itself)"
else fail "scale to 1: the Endpoints follow" "$(cat "$watch_log"; k -n "$NS" get endpoints web -o yaml)"; fi
rm -f "$watch_log"
ready_in_slices() { k -n "$NS" get endpointslices -l kubernetes.io/service-name=web -o 'jsonpath={range .items[*].endpoints[?(@.conditions.ready==true)]}{.addresses[0]} {end}' | wc -w; }
expect "scale to 1: one ready endpoint in the slices" 0 '^1$' -- ready_in_slices

# A selectorless service with hand-written Endpoints: left alone, and mirrored into a slice.
k -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: {name: ext}
spec:
  ports: [{name: db, port: 5432, targetPort: 9000}]
---
apiVersion: v1
kind: Endpoints
metadata: {name: ext, labels: {team: data}}
subsets:
- addresses: [{ip: 192.0.2.10}, {ip: 192.0.2.11}]
  ports: [{name: db, port: 9000}]
YAML
eventually "the Endpoints are mirrored into a slice" 20 '^endpointslicemirroring-controller.k8s.io data IPv4 db:9000 192.0.2.10,192.0.2.11$' -- \
  slice ext '{.items[0].metadata.labels.endpointslice\.kubernetes\.io/managed-by} {.items[0].metadata.labels.team} {.items[0].addressType} {.items[0].ports[0].name}:{.items[0].ports[0].port} {.items[0].endpoints[0].addresses[0]},{.items[0].endpoints[1].addresses[0]}'
expect "the user's Endpoints are kept as written" 0 '^192.0.2.10 192.0.2.11$' -- k -n "$NS" get endpoints ext -o 'jsonpath={.subsets[*].addresses[*].ip}'
k -n "$NS" label endpoints ext endpointslice.kubernetes.io/skip-mirror=true >/dev/null
eventually "skip-mirror: the mirrored slice goes" 20 '^$' -- slice ext '{.items[*].metadata.name}'

# A headless service and a pod with hostname + subdomain: the hostname is published (DNS serves hostname.subdomain).
k -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{name: pg, port: 5432}]
---
apiVersion: v1
kind: Pod
metadata: {name: db-0, labels: {app: db}}
spec:
  hostname: db-0
  subdomain: db
  terminationGracePeriodSeconds: 1
  containers: [{name: db, image: dockube/netcheck:test, imagePullPolicy: IfNotPresent, command: [sleep, '3600']}]
YAML
eventually "headless: the slice endpoint carries the pod's hostname, the slice the headless label" 60 '^db-0 true .*"service.kubernetes.io/headless":""' -- \
  slice db '{.items[0].endpoints[0].hostname} {.items[0].endpoints[0].conditions.ready} {.items[0].metadata.labels}'
expect "headless: the Endpoints address carries the hostname, the Endpoints the headless label" 0 '^db-0 5432 \{"service.kubernetes.io/headless":""\}$' -- \
  k -n "$NS" get endpoints db -o 'jsonpath={.subsets[0].addresses[0].hostname} {.subsets[0].ports[0].port} {.metadata.labels}'

# The kubernetes service: its endpoints are where pods reach the API server.
# (the gateway of this cluster's own pod network, 10.244.0.1 for the first cluster on an engine)
expect "the kubernetes Endpoints: $POD_GATEWAY:$PORT" 0 "^kubernetes +${POD_GATEWAY//./\\.}:$PORT " -- k -n default get endpoints kubernetes --no-headers
expect "the kubernetes EndpointSlice: $POD_GATEWAY on $PORT" 0 "^${POD_GATEWAY//./\\.} $PORT https\$" -- \
  k -n default get endpointslice kubernetes -o 'jsonpath={.endpoints[0].addresses[0]} {.ports[0].port} {.ports[0].name}'

# The service goes: its Endpoints with it (the slices through their owner).
k -n "$NS" delete svc web >/dev/null
eventually "the Endpoints are deleted with the service" 20 'NotFound' -- k -n "$NS" get endpoints web
eventually "the slices are deleted with the service" 30 '^$' -- slice web '{.items[*].metadata.name}'

# A restart on another port: the kubernetes Service's targetPort, Endpoints and EndpointSlice follow it.
stop_server
PORT="$(free_port)"
start_server "$DATA_DIR" || fail "server restart on another port"
expect "after a restart on port $PORT: the kubernetes Endpoints follow" 0 "^kubernetes +${POD_GATEWAY//./\\.}:$PORT " -- k -n default get endpoints kubernetes --no-headers
expect "after the restart: the kubernetes EndpointSlice and the service's targetPort" 0 "^$PORT $PORT\$" -- \
  sh -c "$(declare -f k); KCTL='$KCTL' KC='$KC' CACHE_DIR='$CACHE_DIR'; echo \$(k -n default get endpointslice kubernetes -o 'jsonpath={.ports[0].port}') \$(k -n default get svc kubernetes -o 'jsonpath={.spec.ports[0].targetPort}')"
