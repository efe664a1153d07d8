# The node's addresses and hostPorts (issue 9): the Node reports the host's own InternalIP (not loopback) and its
# Hostname, which pods see as status.hostIP (a hostNetwork pod's IP too); hostPorts are shared as the scheduler's
# NodePorts filter allows (same port on 127.0.0.1 and on the node IP, and TCP beside UDP on the node IP: the
# upstream "no conflict between pods with same hostPort but different hostIP and protocol" check), and Docker binds
# each on its address and protocol; a pod wanting the port on 0.0.0.0 stays Pending with FailedScheduling until the
# holders go. Local images only (dockube/netcheck:test is busybox plus a UDP echo, scripts/build-netcheck-image.sh).
bash "$ROOT/scripts/build-netcheck-image.sh" >/dev/null 2>&1 || fail "build-netcheck-image.sh"
k create ns "$NS" >/dev/null
k label ns "$NS" pod-security.kubernetes.io/enforce=privileged >/dev/null
NODE="$(k get nodes -o jsonpath='{.items[0].metadata.name}')"
NODE_IP="$(k get node "$NODE" -o 'jsonpath={.status.addresses[?(@.type=="InternalIP")].address}')"
HP="$(free_host_port)"
HN="$(free_host_port)"
# udp_send IP PORT MESSAGE: one datagram from the host, the answer printed (node's dgram: no UDP client on every host).
udp_send() {
  node -e 'const s=require("dgram").createSocket("udp4");const t=setTimeout(()=>{console.log("no answer");process.exit(1)},3000);
    s.on("message",(m)=>{console.log(String(m));clearTimeout(t);s.close()});s.send(process.argv[3],+process.argv[2],process.argv[1])' "$1" "$2" "$3"
}

expect "the node has an InternalIP that is not loopback" 0 '^[0-9.]+$' -- bash -c "[ -n '$NODE_IP' ] && [[ '$NODE_IP' != 127.* ]] && echo '$NODE_IP'"
expect "the InternalIP is one of this host's addresses" 0 "inet $NODE_IP/" -- ip -4 -o addr
expect "the node reports its Hostname" 0 "^$NODE\$" -- k get node "$NODE" -o 'jsonpath={.status.addresses[?(@.type=="Hostname")].address}'
expect "kubectl get nodes -o wide shows it as INTERNAL-IP" 0 "^$NODE +Ready .* $NODE_IP +<none> " -- k get node "$NODE" -o wide --no-headers

web() { # web NAME HOSTIP: an httpd answering its name on 8080, published on HP at HOSTIP ('' for every address)
  local ip=""
  [ -n "$2" ] && ip=", hostIP: $2"
  cat <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $1}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: web
    image: dockube/netcheck:test
    imagePullPolicy: IfNotPresent
    command: [sh, -c, 'mkdir -p /www && echo $1 > /www/index.html && exec httpd -f -p 8080 -h /www']
    ports: [{containerPort: 8080, hostPort: $HP, protocol: TCP$ip}]
YAML
}
web hp-loopback 127.0.0.1 | k -n "$NS" apply -f - >/dev/null
web hp-nodeip "$NODE_IP" | k -n "$NS" apply -f - >/dev/null
cat <<YAML | k -n "$NS" apply -f - >/dev/null
apiVersion: v1
kind: Pod
metadata: {name: hp-udp}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: udp
    image: dockube/netcheck:test
    imagePullPolicy: IfNotPresent
    command: [udp-echo, serve, "8081"]
    ports: [{containerPort: 8081, hostPort: $HP, hostIP: "$NODE_IP", protocol: UDP}]
YAML
for p in hp-loopback hp-nodeip hp-udp; do
  eventually "same hostPort, different hostIP or protocol: $p runs" 60 '^Running$' -- k -n "$NS" get pod "$p" -o 'jsonpath={.status.phase}'
done
expect "a pod's status.hostIP is the node's InternalIP" 0 "^$NODE_IP $NODE_IP\$" -- k -n "$NS" get pod hp-nodeip -o 'jsonpath={.status.hostIP} {.status.hostIPs[0].ip}'
eventually "127.0.0.1:$HP reaches the pod bound there" 15 '^hp-loopback$' -- curl -s --max-time 2 "http://127.0.0.1:$HP/"
eventually "$NODE_IP:$HP (TCP) reaches the pod bound there" 15 '^hp-nodeip$' -- curl -s --max-time 2 "http://$NODE_IP:$HP/"
eventually "$NODE_IP:$HP (UDP) reaches the UDP pod" 15 '^echo:hello-udp$' -- udp_send "$NODE_IP" "$HP" hello-udp
infra_of() { docker ps -q --filter label=io.kubernetes.pod.namespace="$NS" --filter label=io.kubernetes.pod.name="$1" --filter label=dockube.io/kind=infra | head -1; }
expect "Docker binds the TCP port on 127.0.0.1" 0 "^\\{\"8080/tcp\":\\[\\{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"$HP\"\\}\\]\\}\$" -- docker inspect -f '{{json .HostConfig.PortBindings}}' "$(infra_of hp-loopback)"
expect "and the UDP port on the node IP" 0 "^\\{\"8081/udp\":\\[\\{\"HostIp\":\"$NODE_IP\",\"HostPort\":\"$HP\"\\}\\]\\}\$" -- docker inspect -f '{{json .HostConfig.PortBindings}}' "$(infra_of hp-udp)"
eventually "another pod reaches the hostPort on the node IP" 20 '^hp-nodeip$' -- k -n "$NS" exec hp-loopback -- timeout 3 wget -qO- "http://$NODE_IP:$HP/"

cat <<YAML | k -n "$NS" apply -f - >/dev/null
apiVersion: v1
kind: Pod
metadata: {name: hostnet}
spec:
  hostNetwork: true
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: dockube/netcheck:test
    imagePullPolicy: IfNotPresent
    command: [sh, -c, 'mkdir -p /tmp/www && echo ok > /tmp/www/healthz && exec httpd -f -p $HN -h /tmp/www']
    readinessProbe: {httpGet: {path: /healthz, port: $HN}, periodSeconds: 1}
YAML
eventually "a hostNetwork pod's IP is the node's InternalIP" 60 "^Running $NODE_IP\$" -- k -n "$NS" get pod hostnet -o 'jsonpath={.status.phase} {.status.podIP}'
eventually "its httpGet probe reaches it on the node IP: Ready" 30 '^True$' -- k -n "$NS" get pod hostnet -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'
expect "the hostNetwork pod reaches 127.0.0.1:$HP" 0 '^hp-loopback$' -- k -n "$NS" exec hostnet -- timeout 3 wget -qO- "http://127.0.0.1:$HP/"

web hp-any "" | k -n "$NS" apply -f - >/dev/null
eventually "the same port on every address conflicts: FailedScheduling with upstream's message" 20 \
  "Warning +FailedScheduling .*0/1 nodes are available: 1 node\(s\) didn't have free ports for the requested pod ports\. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod\." -- \
  k -n "$NS" describe pod hp-any
expect "it stays Pending, PodScheduled=False Unschedulable" 0 '^Pending False Unschedulable <none>$' -- \
  k -n "$NS" get pod hp-any -o 'jsonpath={.status.phase} {.status.conditions[?(@.type=="PodScheduled")].status} {.status.conditions[?(@.type=="PodScheduled")].reason} {.spec.nodeName}{"<none>"}'
k -n "$NS" delete pod hp-loopback hp-nodeip --wait=false >/dev/null
eventually "once the TCP holders are gone it is scheduled and runs" 60 '^Running$' -- k -n "$NS" get pod hp-any -o 'jsonpath={.status.phase}'
eventually "and answers on 127.0.0.1:$HP" 20 '^hp-any$' -- curl -s --max-time 2 "http://127.0.0.1:$HP/"
expect "the UDP pod still answers beside it" 0 '^echo:again$' -- udp_send "$NODE_IP" "$HP" again
