# The kubelet-managed /etc/hosts (issue 9; upstream test/e2e/common/node/kubelet_etc_hosts.go and
# "should write entries to /etc/hosts" with hostAliases): every container of a pod on the pod network sees the
# kubelet's file (header, localhost lines, "<podIP>\t<hostname>.<subdomain>.<ns>.svc.cluster.local\t<hostname>", then
# hostAliases one line per IP); a container mounting its own /etc/hosts keeps it; a hostNetwork pod sees the node's
# file under the kubelet's host-network header. Local image only; tabs shown as '|' (busybox tr).
k create ns "$NS" >/dev/null
k label ns "$NS" pod-security.kubernetes.io/enforce=privileged >/dev/null

cat > "$DATA_DIR/58-pods.yaml" <<YAML
apiVersion: v1
kind: ConfigMap
metadata: {name: own-hosts}
data: {hosts: "1.1.1.1 mine"}
---
apiVersion: v1
kind: Pod
metadata: {name: aliases}
spec:
  hostname: h1
  subdomain: sub
  terminationGracePeriodSeconds: 1
  hostAliases:
  - {ip: 123.45.67.89, hostnames: [foo.local, bar.local]}
  - {ip: 10.1.2.3, hostnames: [foo.remote, bar.remote]}
  initContainers:
  - name: init
    image: dockube/busybox:test
    imagePullPolicy: IfNotPresent
    command: [sh, -c, 'tr "\t" "|" < /etc/hosts | sed "s/^/init: /"']
  containers:
  - name: main
    image: dockube/busybox:test
    imagePullPolicy: IfNotPresent
    command: [sh, -c, 'tr "\t" "|" < /etc/hosts; exec sleep 3600']
  - name: own
    image: dockube/busybox:test
    imagePullPolicy: IfNotPresent
    command: [sh, -c, 'cat /etc/hosts; echo; exec sleep 3600']
    volumeMounts: [{name: own, mountPath: /etc/hosts, subPath: hosts}]
  volumes:
  - {name: own, configMap: {name: own-hosts}}
---
apiVersion: v1
kind: Pod
metadata: {name: hostnet}
spec:
  hostNetwork: true
  terminationGracePeriodSeconds: 1
  hostAliases:
  - {ip: 10.9.9.9, hostnames: [a.example, b.example]}
  containers:
  - name: main
    image: dockube/busybox:test
    imagePullPolicy: IfNotPresent
    command: [sh, -c, 'tr "\t" "|" < /etc/hosts; exec sleep 3600']
YAML
expect "kubectl apply the pods" 0 'pod/hostnet created' -- k -n "$NS" apply -f "$DATA_DIR/58-pods.yaml"
eventually "the pods run" 60 '^Running Running$' -- k -n "$NS" get pod aliases hostnet -o 'jsonpath={.items[0].status.phase} {.items[1].status.phase}'
IP="$(k -n "$NS" get pod aliases -o 'jsonpath={.status.podIP}')"
eventually "the file starts with the kubelet's header" 30 '^# Kubernetes-managed hosts file\.$' -- k -n "$NS" logs aliases -c main
expect "localhost lines as the kubelet writes them" 0 '^::1\|localhost ip6-localhost ip6-loopback$' -- k -n "$NS" logs aliases -c main
expect "the pod IP with the subdomain FQDN and the hostname" 0 "^${IP//./\\.}\|h1\.sub\.$NS\.svc\.cluster\.local\|h1\$" -- k -n "$NS" logs aliases -c main
expect "hostAliases under their header" 0 '^# Entries added by HostAliases\.$' -- k -n "$NS" logs aliases -c main
expect "hostAliases one line per IP, names tab-separated" 0 '^123\.45\.67\.89\|foo\.local\|bar\.local$' -- k -n "$NS" logs aliases -c main
expect "the second alias line" 0 '^10\.1\.2\.3\|foo\.remote\|bar\.remote$' -- k -n "$NS" logs aliases -c main
expect "no line per name (Docker's extra hosts) any more" 1 '' -- bash -c "k -n '$NS' logs aliases -c main | grep -E '^123\.45\.67\.89\|foo\.local\$'"
expect "the init container saw the pod IP line too" 0 "^init: ${IP//./\\.}\|h1\." -- k -n "$NS" logs aliases -c init
expect "a container mounting its own /etc/hosts keeps it" 0 '^1\.1\.1\.1 mine$' -- k -n "$NS" logs aliases -c own
eventually "host network: the node's file under the host-network header" 30 '^# Kubernetes-managed hosts file \(host network\)\.$' -- k -n "$NS" logs hostnet
FIRST="$(head -1 /etc/hosts | tr '\t' '|')"
expect "host network: the node's own lines follow" 0 "^$(printf '%s' "$FIRST" | sed 's/[][\.*^$|()+?{}]/\\&/g')\$" -- k -n "$NS" logs hostnet
expect "host network: hostAliases appended" 0 '^10\.9\.9\.9\|a\.example\|b\.example$' -- k -n "$NS" logs hostnet
# The subPath bind of the own /etc/hosts goes when the kubelet cleans the pod up (pods outlive a server stop).
expect "kubectl delete the pods" 0 'pod "hostnet" deleted' -- k -n "$NS" delete pod aliases hostnet --wait=true
eventually "no subPath bind of the pods stays mounted under the data dir" 30 '^0$' -- \
  bash -c "grep -c \" $(realpath "$DATA_DIR")/pods/\" /proc/self/mountinfo"
