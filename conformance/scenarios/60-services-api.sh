# Services through the API (issue 11, part A): ClusterIPs from --service-cidr and NodePorts as kube-apiserver allocates
# them (a chosen address or port honoured, a taken or out-of-range one refused with upstream's message), clusterIP
# immutable, a type change giving its node port back; kubectl expose and create service clusterip|nodeport|
# loadbalancer|externalname; get -o wide and describe as upstream prints them; ServiceLB's ingress (the node's
# address) and its refusal of a port another LoadBalancer holds (a Warning event, served once the holder goes);
# service environment variables in a pod (and none with enableServiceLinks: false, but the kubernetes ones); a server
# restart keeps every allocation and hands out no address twice.
k create ns "$NS" >/dev/null
W="${CONFORMANCE_WORKER_ID:-0}"
BASE="${SERVICE_CIDR%.0.0/16}" # e.g. 10.97
# Ports on the host are shared by parallel workers: each takes its own.
NP=$((30555 + W * 10))
LBPORT=$((18090 + W * 10))

k -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: web
        image: dockube/busybox:test
        imagePullPolicy: IfNotPresent
        command: [sh, -c, 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www']
        readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
YAML

# --- expose, get -o wide
expect "kubectl expose deploy/web" 0 '^service/web exposed' -- k -n "$NS" expose deploy/web --port 80 --target-port 8080
WEB_IP="$(k -n "$NS" get svc web -o 'jsonpath={.spec.clusterIP}')"
if [[ "$WEB_IP" == "$BASE".* ]]; then pass "the ClusterIP comes from --service-cidr ($WEB_IP in $SERVICE_CIDR)"; else fail "ClusterIP $WEB_IP not in $SERVICE_CIDR"; fi
expect "get svc -o wide: upstream's columns" 0 '^NAME +TYPE +CLUSTER-IP +EXTERNAL-IP +PORT\(S\) +AGE +SELECTOR' -- k -n "$NS" get svc -o wide
expect "get svc -o wide: the exposed service" 0 "^web +ClusterIP +$WEB_IP +<none> +80/TCP +[0-9]+s +app=web$" -- k -n "$NS" get svc web -o wide
expect "the kubernetes service has the first address" 0 "^kubernetes +ClusterIP +$BASE\.0\.1 +<none> +443/TCP" -- k -n default get svc kubernetes

# --- chosen ClusterIPs, conflicts, range, immutability
expect "create service clusterip with a chosen address" 0 '^service/chosen created' -- k -n "$NS" create service clusterip chosen --tcp=80:8080 --clusterip="$BASE.0.50"
expect "the chosen address is honoured" 0 "^$BASE\.0\.50$" -- k -n "$NS" get svc chosen -o 'jsonpath={.spec.clusterIP}'
expect "a taken address is refused" 1 "spec.clusterIPs: Invalid value: \[\]string\{\"$BASE\.0\.50\"\}: failed to allocate IP $BASE\.0\.50: provided IP is already allocated" -- \
  k -n "$NS" create service clusterip taken --tcp=80:8080 --clusterip="$BASE.0.50"
expect "an address outside the range is refused" 1 "failed to allocate IP 10\.200\.0\.5: the provided IP \(10\.200\.0\.5\) is not in the valid range\. The range of valid IPs is ${SERVICE_CIDR//./\\.}" -- \
  k -n "$NS" create service clusterip outside --tcp=80:8080 --clusterip=10.200.0.5
expect "clusterIP may not change" 1 "spec.clusterIPs\[0\]: Invalid value: \[\]string\{\"$BASE\.0\.51\"\}: may not change once set" -- \
  k -n "$NS" patch svc chosen -p "{\"spec\":{\"clusterIP\":\"$BASE.0.51\"}}"
cat > "$DATA_DIR/60-headless-np.yaml" <<YAML
apiVersion: v1
kind: Service
metadata: {name: headless-np}
spec: {type: NodePort, clusterIP: None, ports: [{port: 80}]}
YAML
expect "headless services cannot be NodePort" 1 "spec.clusterIPs\[0\]: Invalid value: \"None\": may not be set to 'None' for NodePort services" -- \
  k -n "$NS" create -f "$DATA_DIR/60-headless-np.yaml"

# --- node ports
expect "create service nodeport with a chosen port" 0 '^service/np created' -- k -n "$NS" create service nodeport np --tcp=80:8080 --node-port="$NP"
expect "get shows port:nodePort" 0 "^np +NodePort +$BASE\.[0-9]+\.[0-9]+ +<none> +80:$NP/TCP" -- k -n "$NS" get svc np
expect "a taken node port is refused" 1 "spec.ports\[0\].nodePort: Invalid value: $NP: provided port is already allocated" -- \
  k -n "$NS" create service nodeport np2 --tcp=80:8080 --node-port="$NP"
expect "a node port outside the range is refused" 1 'spec.ports\[0\].nodePort: Invalid value: 40000: provided port is not in the valid range. The range of valid ports is 30000-32767' -- \
  k -n "$NS" create service nodeport np3 --tcp=80:8080 --node-port=40000
expect "nodePort on a ClusterIP service is refused" 1 "spec.ports\[0\].nodePort: Forbidden: may not be used when \`type\` is 'ClusterIP'" -- \
  k -n "$NS" patch svc chosen --type=json -p '[{"op":"add","path":"/spec/ports/0/nodePort","value":31999}]'
AUTO_NP="$(k -n "$NS" create service nodeport auto --tcp=80:8080 -o 'jsonpath={.spec.ports[0].nodePort}')"
if [ -n "$AUTO_NP" ] && [ "$AUTO_NP" -ge 30000 ] && [ "$AUTO_NP" -le 32767 ] && [ "$AUTO_NP" != "$NP" ]; then pass "a node port is allocated ($AUTO_NP)"; else fail "allocated node port: '$AUTO_NP'"; fi
expect "NodePort → ClusterIP (kubectl patch)" 0 'service/np patched' -- k -n "$NS" patch svc np -p '{"spec":{"type":"ClusterIP"}}'
expect "the node port is dropped" 0 '^np +ClusterIP +[0-9.]+ +<none> +80/TCP ' -- k -n "$NS" get svc np
expect "its node port is free again" 0 '^service/np2 created' -- k -n "$NS" create service nodeport np2 --tcp=80:8080 --node-port="$NP"

# --- ExternalName
expect "create service externalname" 0 '^service/ext created' -- k -n "$NS" create service externalname ext --external-name example.com
expect "get: ExternalName shows the name as EXTERNAL-IP and no ClusterIP" 0 '^ext +ExternalName +<none> +example\.com +<none> ' -- k -n "$NS" get svc ext

# --- LoadBalancer (ServiceLB)
NODE_IP="$(k get nodes -o 'jsonpath={.items[0].status.addresses[?(@.type=="InternalIP")].address}')"
expect "create service loadbalancer" 0 '^service/lb created' -- k -n "$NS" create service loadbalancer lb --tcp="$LBPORT:8080"
eventually "the LoadBalancer gets the node's address as ingress" 20 "^lb +LoadBalancer +$BASE\.[0-9.]+ +${NODE_IP//./\\.} +$LBPORT:[0-9]+/TCP" -- k -n "$NS" get svc lb
expect "ingress ipMode VIP" 0 '^VIP$' -- k -n "$NS" get svc lb -o 'jsonpath={.status.loadBalancer.ingress[0].ipMode}'
expect "describe svc: LoadBalancer Ingress" 0 "^LoadBalancer Ingress: +${NODE_IP//./\\.}( \(VIP\))?$" -- k -n "$NS" describe svc lb
eventually "the LoadBalancer's UpdatedLoadBalancer event" 20 "Normal +UpdatedLoadBalancer .*Updated LoadBalancer with new IPs: \[\] -> \[${NODE_IP//./\\.}\]" -- k -n "$NS" describe svc lb
expect "a second LoadBalancer on the same port" 0 '^service/lb2 created' -- k -n "$NS" create service loadbalancer lb2 --tcp="$LBPORT:8080"
eventually "it is refused with a Warning event" 20 "Warning +UnAvailableLoadBalancer .*Port $LBPORT/TCP \(held by LoadBalancer service $NS/lb\) already in use" -- k -n "$NS" describe svc lb2
expect "and stays <pending>" 0 '^lb2 +LoadBalancer +[0-9.]+ +<pending> ' -- k -n "$NS" get svc lb2
k -n "$NS" delete svc lb >/dev/null
eventually "once the holder goes it is served" 20 "^lb2 +LoadBalancer +[0-9.]+ +${NODE_IP//./\\.} " -- k -n "$NS" get svc lb2

# --- describe
eventually "describe svc: upstream's fields and the endpoints" 30 'Endpoints: +10\.[0-9]+\.[0-9.]+:8080,10\.' -- k -n "$NS" describe svc web
expect "describe svc: type, IP family, IPs, ports, affinity" 0 '' -- k -n "$NS" describe svc web
D="$(k -n "$NS" describe svc web)"
for line in "^Selector: +app=web$" "^Type: +ClusterIP$" "^IP Family Policy: +SingleStack$" "^IP Families: +IPv4$" "^IP: +$WEB_IP$" "^IPs: +$WEB_IP$" \
  "^Port: +<unset> +80/TCP$" "^TargetPort: +8080/TCP$" "^Session Affinity: +None$" "^Events: +<none>$"; do
  if grep -Eq "$line" <<<"$D"; then pass "describe svc: /$line/"; else fail "describe svc: /$line/" "$D"; fi
done
expect "describe NodePort: NodePort line" 0 "^NodePort: +80-8080 +$NP/TCP$" -- k -n "$NS" describe svc np2

# --- service environment variables
k -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: env-links}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: c, image: dockube/busybox:test, imagePullPolicy: IfNotPresent, command: [sleep, "3600"]}
---
apiVersion: v1
kind: Pod
metadata: {name: env-nolinks}
spec:
  enableServiceLinks: false
  terminationGracePeriodSeconds: 1
  containers:
  - {name: c, image: dockube/busybox:test, imagePullPolicy: IfNotPresent, command: [sleep, "3600"]}
YAML
eventually "the env pods run" 60 '^Running Running$' -- k -n "$NS" get pod env-links env-nolinks -o 'jsonpath={.items[0].status.phase} {.items[1].status.phase}'
ENV="$(k -n "$NS" exec env-links -- env)"
for v in "WEB_SERVICE_HOST=$WEB_IP" "WEB_SERVICE_PORT=80" "WEB_PORT=tcp://$WEB_IP:80" "WEB_PORT_80_TCP=tcp://$WEB_IP:80" "WEB_PORT_80_TCP_PROTO=tcp" \
  "WEB_PORT_80_TCP_PORT=80" "WEB_PORT_80_TCP_ADDR=$WEB_IP" "CHOSEN_SERVICE_HOST=$BASE.0.50" "CHOSEN_SERVICE_PORT_80_8080=80" \
  "KUBERNETES_SERVICE_HOST=$BASE.0.1" "KUBERNETES_SERVICE_PORT=443" "KUBERNETES_PORT_443_TCP=tcp://$BASE.0.1:443"; do
  if grep -qx -- "$v" <<<"$ENV"; then pass "env: $v"; else fail "env: $v" "$(grep -E 'SERVICE|_PORT' <<<"$ENV")"; fi
done
if grep -q '^EXT_' <<<"$ENV"; then fail "no variables for an ExternalName service" "$ENV"; else pass "no variables for an ExternalName service"; fi
ENV2="$(k -n "$NS" exec env-nolinks -- env)"
if grep -q '^WEB_SERVICE_HOST=' <<<"$ENV2"; then fail "enableServiceLinks: false → no service variables" "$ENV2"; else pass "enableServiceLinks: false → no service variables"; fi
if grep -qx "KUBERNETES_SERVICE_HOST=$BASE.0.1" <<<"$ENV2"; then pass "enableServiceLinks: false keeps the kubernetes variables"; else fail "kubernetes variables without links" "$ENV2"; fi

# --- restart: every allocation kept, nothing handed out twice
before="$(k get svc -A -o 'jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name}={.spec.clusterIP}:{.spec.ports[*].nodePort}{"\n"}{end}' | sort)"
stop_server
start_server "$DATA_DIR" || fail "server restart"
after="$(k get svc -A -o 'jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name}={.spec.clusterIP}:{.spec.ports[*].nodePort}{"\n"}{end}' | sort)"
if [ "$before" = "$after" ]; then pass "a restart keeps every ClusterIP and node port"; else fail "allocations changed over the restart" "$(diff <(echo "$before") <(echo "$after"))"; fi
expect "after the restart a held address is still refused" 1 'provided IP is already allocated' -- k -n "$NS" create service clusterip again --tcp=80:8080 --clusterip="$WEB_IP"
expect "after the restart a held node port is still refused" 1 'provided port is already allocated' -- k -n "$NS" create service nodeport again --tcp=80:8080 --node-port="$NP"
for i in 1 2 3 4 5; do k -n "$NS" create service nodeport "new$i" --tcp=80:8080 >/dev/null || fail "create new$i"; done
ips="$(k get svc -A -o 'jsonpath={range .items[*]}{.spec.clusterIP}{"\n"}{end}' | grep -v '^None$' | grep -v '^$')"
if [ "$(sort <<<"$ips" | uniq -d)" = "" ]; then pass "no ClusterIP handed out twice ($(wc -l <<<"$ips") services)"; else fail "duplicate ClusterIPs" "$(sort <<<"$ips" | uniq -d)"; fi
nps="$(k get svc -A -o 'jsonpath={range .items[*]}{range .spec.ports[*]}{.nodePort}{"\n"}{end}{end}' | grep -v '^$')"
if [ "$(sort <<<"$nps" | uniq -d)" = "" ]; then pass "no node port handed out twice"; else fail "duplicate node ports" "$(sort <<<"$nps" | uniq -d)"; fi
k delete ns "$NS" --wait=false >/dev/null 2>&1
