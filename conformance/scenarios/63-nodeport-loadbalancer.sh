# NodePort and LoadBalancer traffic (kube-proxy's iptables mode beside ServiceLB): a NodePort answers from the host on
# 127.0.0.1 and on the node's InternalIP; a LoadBalancer gets the node's address as its ingress and answers on its
# port at 127.0.0.1, the node IP and the ingress IP; a second LoadBalancer on the same port stays <pending>;
# externalTrafficPolicy Local keeps the client pod's address where Cluster masquerades it; loadBalancerSourceRanges
# lets only the listed sources in. The backend answers /cgi-bin/ip with the address it sees (busybox httpd CGI).
bash "$ROOT/scripts/build-netcheck-image.sh" >/dev/null 2>&1 || fail "build-netcheck-image.sh"
k create ns "$NS" >/dev/null
# Ports for the LoadBalancers: random, as two workers may run this scenario at once on the same host addresses.
LBP1=$((20000 + RANDOM % 9000))
LBP2=$((LBP1 + 1))
k -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: echo-ip, labels: {app: echo-ip}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: web
    image: dockube/netcheck:test
    imagePullPolicy: IfNotPresent
    command: [sh, -c, 'mkdir -p /www/cgi-bin && hostname > /www/index.html && printf "#!/bin/sh\necho Content-Type: text/plain\necho\necho \\\$REMOTE_ADDR\n" > /www/cgi-bin/ip && chmod +x /www/cgi-bin/ip && exec httpd -f -p 8080 -h /www']
    readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: np}
spec:
  type: NodePort
  selector: {app: echo-ip}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: np-local}
spec:
  type: NodePort
  externalTrafficPolicy: Local
  selector: {app: echo-ip}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: lb}
spec:
  type: LoadBalancer
  selector: {app: echo-ip}
  ports: [{port: $LBP1, targetPort: 8080}]
YAML
for p in client other; do
  k -n "$NS" run "$p" --image=dockube/netcheck:test --image-pull-policy=IfNotPresent --restart=Never \
    --overrides='{"apiVersion":"v1","spec":{"terminationGracePeriodSeconds":1}}' -- sleep 3600 >/dev/null
done
for p in echo-ip client other; do
  eventually "$p is ready" 60 '^True$' -- k -n "$NS" get pod "$p" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'
done
NODE_IP="$(k get nodes -o 'jsonpath={.items[0].status.addresses[?(@.type=="InternalIP")].address}')"
CLIENT_IP="$(k -n "$NS" get pod client -o 'jsonpath={.status.podIP}')"
NP="$(k -n "$NS" get svc np -o 'jsonpath={.spec.ports[0].nodePort}')"
NPL="$(k -n "$NS" get svc np-local -o 'jsonpath={.spec.ports[0].nodePort}')"
get() { curl -s --max-time 3 "$@"; }

eventually "NodePort from the host on 127.0.0.1:$NP" 20 '^echo-ip$' -- get "http://127.0.0.1:$NP/"
expect "NodePort from the host on the node IP $NODE_IP:$NP" 0 '^echo-ip$' -- get "http://$NODE_IP:$NP/"
expect "NodePort from a pod on the node IP" 0 '^echo-ip$' -- k -n "$NS" exec client -- timeout 3 wget -qO- "http://$NODE_IP:$NP/"

eventually "the LoadBalancer gets the node's address as its ingress" 20 "^$NODE_IP\$" -- k -n "$NS" get svc lb -o 'jsonpath={.status.loadBalancer.ingress[0].ip}'
INGRESS="$(k -n "$NS" get svc lb -o 'jsonpath={.status.loadBalancer.ingress[0].ip}')"
eventually "LoadBalancer from the host on 127.0.0.1:$LBP1" 10 '^echo-ip$' -- get "http://127.0.0.1:$LBP1/"
expect "LoadBalancer from the host on the node IP" 0 '^echo-ip$' -- get "http://$NODE_IP:$LBP1/"
expect "LoadBalancer on its ingress IP $INGRESS" 0 '^echo-ip$' -- get "http://$INGRESS:$LBP1/"
expect "LoadBalancer from a pod on the ingress IP" 0 '^echo-ip$' -- k -n "$NS" exec client -- timeout 3 wget -qO- "http://$INGRESS:$LBP1/"

# A second LoadBalancer on the same port: ServiceLB leaves it pending, and it takes no traffic from the first.
k -n "$NS" create service loadbalancer lb-clash --tcp="$LBP1:8080" >/dev/null
sleep 2
expect "a second LoadBalancer on the same port stays <pending>" 0 "lb-clash +LoadBalancer +[0-9.]+ +<pending> +$LBP1:" -- k -n "$NS" get svc lb-clash
expect "the first LoadBalancer still answers on its port" 0 '^echo-ip$' -- get "http://127.0.0.1:$LBP1/"

# externalTrafficPolicy: Cluster masquerades a pod's request to the node port, Local keeps the client's address.
seen_cluster="$(k -n "$NS" exec client -- timeout 3 wget -qO- "http://$NODE_IP:$NP/cgi-bin/ip")"
seen_local="$(k -n "$NS" exec client -- timeout 3 wget -qO- "http://$NODE_IP:$NPL/cgi-bin/ip")"
if grep -q "$CLIENT_IP\]*$" <<<"$seen_local"; then pass "externalTrafficPolicy Local keeps the client address ($seen_local)"; else fail "externalTrafficPolicy Local keeps the client address $CLIENT_IP" "$seen_local"; fi
if ! grep -Eq '[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+' <<<"$seen_cluster" || grep -q "$CLIENT_IP\]*$" <<<"$seen_cluster"; then fail "externalTrafficPolicy Cluster masquerades the client" "$seen_cluster"; else pass "externalTrafficPolicy Cluster masquerades the client ($seen_cluster)"; fi

# loadBalancerSourceRanges: only the client pod may use the LoadBalancer; the other pod and the host are dropped.
k -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: {name: lb-ranges}
spec:
  type: LoadBalancer
  selector: {app: echo-ip}
  loadBalancerSourceRanges: [$CLIENT_IP/32]
  ports: [{port: $LBP2, targetPort: 8080}]
YAML
eventually "lb-ranges gets its ingress" 20 "^$NODE_IP\$" -- k -n "$NS" get svc lb-ranges -o 'jsonpath={.status.loadBalancer.ingress[0].ip}'
eventually "a source in loadBalancerSourceRanges gets through" 10 '^echo-ip$' -- k -n "$NS" exec client -- timeout 3 wget -qO- "http://$NODE_IP:$LBP2/"
expect "a pod outside loadBalancerSourceRanges is dropped (timeout kills wget)" 143 '' -- k -n "$NS" exec other -- timeout 2 wget -qO- "http://$NODE_IP:$LBP2/"
expect "the host outside loadBalancerSourceRanges is dropped" 28 '' -- curl -s --max-time 2 "http://127.0.0.1:$LBP2/"
expect "the NodePort of lb-ranges ignores the ranges, as upstream" 0 '^echo-ip$' -- \
  get "http://127.0.0.1:$(k -n "$NS" get svc lb-ranges -o 'jsonpath={.spec.ports[0].nodePort}')/"
k delete ns "$NS" --wait=false >/dev/null
