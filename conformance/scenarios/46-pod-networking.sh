# Pod networking as the upstream Networking granular checks exercise it with agnhost netexec (its HTTP server on 8083
# answering /hostName, its UDP server on 8081), with busybox httpd and udp-echo (dockube/netcheck:test) in its place:
# pod-to-pod over HTTP and UDP, a pod to itself through its own IP, node-to-pod over HTTP and UDP (from the host and,
# as upstream runs them, from a hostNetwork pod), and unusual ports (a high TCP and UDP port): nothing in the pod
# network (the dockube0 bridge, inter-container traffic) blocks them.
bash "$ROOT/scripts/build-netcheck-image.sh" >/dev/null 2>&1 || fail "build-netcheck-image.sh"
k create ns "$NS" >/dev/null
k label ns "$NS" pod-security.kubernetes.io/enforce=privileged >/dev/null # the hostNetwork pod
udp_send() {
  node -e 'const s=require("dgram").createSocket("udp4");const t=setTimeout(()=>{console.log("no answer");process.exit(1)},3000);
    s.on("message",(m)=>{console.log(String(m));clearTimeout(t);s.close()});s.send(process.argv[3],+process.argv[2],process.argv[1])' "$1" "$2" "$3"
}
netserver() { # netserver NAME: HTTP on 8083 and 31998 (/hostName), UDP echo on 8081 and 31999
  cat <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $1, labels: {app: netserver}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: webserver
    image: dockube/netcheck:test
    imagePullPolicy: IfNotPresent
    command: [sh, -c, 'mkdir -p /www && hostname > /www/hostName && httpd -p 8083 -h /www && httpd -p 31998 -h /www && udp-echo serve 31999 & exec udp-echo serve 8081']
    ports: [{containerPort: 8083, protocol: TCP}, {containerPort: 8081, protocol: UDP}]
YAML
}
netserver netserver-0 | k -n "$NS" apply -f - >/dev/null
netserver netserver-1 | k -n "$NS" apply -f - >/dev/null
k -n "$NS" run test-container-pod --image=dockube/netcheck:test --image-pull-policy=IfNotPresent --restart=Never -- sleep 3600 >/dev/null
k -n "$NS" run host-test-container-pod --image=dockube/netcheck:test --image-pull-policy=IfNotPresent --restart=Never \
  --overrides='{"apiVersion":"v1","spec":{"hostNetwork":true}}' -- sleep 3600 >/dev/null
for p in netserver-0 netserver-1 test-container-pod host-test-container-pod; do
  eventually "$p runs" 60 '^Running [0-9.]+$' -- k -n "$NS" get pod "$p" -o 'jsonpath={.status.phase} {.status.podIP}'
done
ip_of() { k -n "$NS" get pod "$1" -o 'jsonpath={.status.podIP}'; }
IP0="$(ip_of netserver-0)"
IP1="$(ip_of netserver-1)"

for n in 0 1; do
  ip="$(ip_of netserver-$n)"
  eventually "pod-to-pod HTTP: test-container-pod -> netserver-$n:8083/hostName" 20 "^netserver-$n\$" -- \
    k -n "$NS" exec test-container-pod -- timeout 3 wget -qO- "http://$ip:8083/hostName"
  eventually "pod-to-pod UDP: test-container-pod -> netserver-$n:8081" 20 '^echo:hostName$' -- \
    k -n "$NS" exec test-container-pod -- udp-echo send "$ip" 8081 hostName
done
expect "pod-to-pod on a high TCP port (31998)" 0 '^netserver-1$' -- k -n "$NS" exec netserver-0 -- timeout 3 wget -qO- "http://$IP1:31998/hostName"
expect "pod-to-pod on a high UDP port (31999)" 0 '^echo:high$' -- k -n "$NS" exec netserver-0 -- udp-echo send "$IP1" 31999 high
expect "a pod reaches itself through its own IP (HTTP)" 0 '^netserver-0$' -- k -n "$NS" exec netserver-0 -- timeout 3 wget -qO- "http://$IP0:8083/hostName"
expect "a pod reaches itself through its own IP (UDP)" 0 '^echo:self$' -- k -n "$NS" exec netserver-0 -- udp-echo send "$IP0" 8081 self
expect "host-to-pod HTTP: the host -> netserver-0:8083/hostName" 0 '^netserver-0$' -- curl -s --max-time 3 "http://$IP0:8083/hostName"
expect "host-to-pod UDP: the host -> netserver-1:8081" 0 '^echo:from-host$' -- udp_send "$IP1" 8081 from-host
expect "host-to-pod on a high UDP port (31999)" 0 '^echo:from-host-high$' -- udp_send "$IP0" 31999 from-host-high
expect "node-to-pod HTTP: a hostNetwork pod -> netserver-1:8083/hostName" 0 '^netserver-1$' -- \
  k -n "$NS" exec host-test-container-pod -- timeout 3 wget -qO- "http://$IP1:8083/hostName"
expect "node-to-pod UDP: a hostNetwork pod -> netserver-0:8081" 0 '^echo:from-node$' -- k -n "$NS" exec host-test-container-pod -- udp-echo send "$IP0" 8081 from-node
