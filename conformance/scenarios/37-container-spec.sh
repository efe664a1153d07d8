#!/usr/bin/env bash
# The container spec on real pods, read back with the real kubectl (values mostly via `kubectl logs` of containers
# that print them, which works with every kubectl version): init containers, command/args $(VAR) expansion, env
# sources and the downward API, workingDir, securityContext, resources as Docker HostConfig, hostPort, the
# termination message, hostname/subdomain and /etc/hosts. Only the local dockube/busybox:test image is run.
bash "$ROOT/scripts/build-test-images.sh" >/dev/null 2>&1 || fail "build-test-images.sh"
PNS="$NS-priv"
k create ns "$NS" >/dev/null
# hostPorts, added capabilities outside baseline's list and privileged need the privileged Pod Security level.
k create ns "$PNS" >/dev/null
k label ns "$PNS" pod-security.kubernetes.io/enforce=privileged >/dev/null
NODE="$(k get nodes -o jsonpath='{.items[0].metadata.name}')"
container_in() { docker ps -aq --filter "label=io.kubernetes.pod.namespace=$1" --filter "label=io.kubernetes.pod.name=$2" --filter "label=io.kubernetes.container.name=$3" | head -1; }
phase() { k -n "$1" get pod "$2" -o 'jsonpath={.status.phase}'; }
IMG='image: dockube/busybox:test'

# ---- init containers ----
cat > "$DATA_DIR/37-init.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: init}
spec:
  terminationGracePeriodSeconds: 1
  volumes: [{name: work, emptyDir: {}}]
  initContainers:
  - {name: first, $IMG, volumeMounts: [{name: work, mountPath: /work}], command: [sh, -c, 'sleep 4; echo one > /work/f']}
  - {name: second, $IMG, volumeMounts: [{name: work, mountPath: /work}], command: [sh, -c, 'echo two >> /work/f']}
  containers:
  - {name: app, $IMG, volumeMounts: [{name: work, mountPath: /work}], command: [sh, -c, 'cat /work/f; sleep 3600']}
---
apiVersion: v1
kind: Pod
metadata: {name: initfail}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  initContainers:
  - {name: bad, $IMG, command: [sh, -c, 'exit 3']}
  containers:
  - {name: app, $IMG, command: [sh, -c, 'echo should-not-run']}
YAML
k -n "$NS" apply -f "$DATA_DIR/37-init.yaml" >/dev/null
eventually "get pod shows Init:0/2 while the first init container runs" 10 '^init +0/1 +Init:0/2 ' -- k -n "$NS" get pod init --no-headers
expect "while init runs: first running, second and app waiting PodInitializing" 0 '^running=first second=PodInitializing app=PodInitializing$' -- k -n "$NS" get pod init -o 'jsonpath=running={.status.initContainerStatuses[?(@.state.running)].name} second={.status.initContainerStatuses[1].state.waiting.reason} app={.status.containerStatuses[0].state.waiting.reason}'
expect "…and Initialized is False with ContainersNotInitialized" 0 '^False ContainersNotInitialized containers with incomplete status: \[first second\]$' -- k -n "$NS" get pod init -o 'jsonpath={.status.conditions[?(@.type=="Initialized")].status} {.status.conditions[?(@.type=="Initialized")].reason} {.status.conditions[?(@.type=="Initialized")].message}'
eventually "the pod becomes Ready after its init containers" 60 '^True$' -- k -n "$NS" get pod init -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'
expect "init containers ran in order before the app" 0 '^one$' -- k -n "$NS" logs init
expect "…and the second appended after the first" 0 '^one two $' -- echo "$(k -n "$NS" logs init -c app | tr '\n' ' ')"
expect "logs -c of an init container" 0 '' -- k -n "$NS" logs init -c second
expect "initContainerStatuses terminated Completed exit 0" 0 '^first=Completed/0 second=Completed/0 $' -- k -n "$NS" get pod init -o 'jsonpath={range .status.initContainerStatuses[*]}{.name}={.state.terminated.reason}/{.state.terminated.exitCode} {end}'
expect "Initialized condition is True" 0 '^True$' -- k -n "$NS" get pod init -o 'jsonpath={.status.conditions[?(@.type=="Initialized")].status}'
eventually "a failing init container with restartPolicy Never fails the pod" 30 '^Failed$' -- phase "$NS" initfail
expect "get pod shows Init:Error" 0 '^initfail +0/1 +Init:Error ' -- k -n "$NS" get pod initfail --no-headers
expect "the init container's status is terminated Error exit 3" 0 '^Error/3$' -- k -n "$NS" get pod initfail -o 'jsonpath={.status.initContainerStatuses[0].state.terminated.reason}/{.status.initContainerStatuses[0].state.terminated.exitCode}'
expect "the app container never ran" 0 '' -- test -z "$(container_in "$NS" initfail app)"

# ---- command/args expansion, env sources, downward API ----
k -n "$NS" create configmap cm --from-literal=a=apple --from-literal=b=banana >/dev/null
k -n "$NS" create secret generic sec --from-literal=s=sekret --from-literal=t=topsecret >/dev/null
cat > "$DATA_DIR/37-env.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: envpod, labels: {x: ex-value}}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  containers:
  - name: args
    $IMG
    env: [{name: GREETING, value: hello}, {name: COMPOSED, value: '\$(GREETING)-world'}]
    command: [echo]
    args: ['A=\$(GREETING)', 'B=\$\$(GREETING)', 'C=\$(MISSING)', 'D=\$(COMPOSED)', 'E=\$\$\$(GREETING)']
  - name: env
    $IMG
    command: [sh, -c, 'env | sort']
    resources: {limits: {memory: 64Mi}}
    env:
    - {name: PLAIN, value: plain-value}
    - {name: CM_A, valueFrom: {configMapKeyRef: {name: cm, key: a}}}
    - {name: SEC_S, valueFrom: {secretKeyRef: {name: sec, key: s}}}
    - {name: OPT_MISSING, valueFrom: {configMapKeyRef: {name: cm, key: nope, optional: true}}}
    - {name: F_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
    - {name: F_NS, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}
    - {name: F_UID, valueFrom: {fieldRef: {fieldPath: metadata.uid}}}
    - {name: F_LABEL, valueFrom: {fieldRef: {fieldPath: "metadata.labels['x']"}}}
    - {name: F_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
    - {name: F_NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
    - {name: F_SA, valueFrom: {fieldRef: {fieldPath: spec.serviceAccountName}}}
    - {name: R_MEM, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}
    envFrom:
    - {prefix: P_, configMapRef: {name: cm}}
    - secretRef: {name: sec}
---
apiVersion: v1
kind: Pod
metadata: {name: missingkey}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    $IMG
    command: [sleep, "3600"]
    env: [{name: X, valueFrom: {configMapKeyRef: {name: cm, key: nope}}}]
YAML
k -n "$NS" apply -f "$DATA_DIR/37-env.yaml" >/dev/null
eventually "the env pod completes" 60 '^Succeeded$' -- phase "$NS" envpod
ARGS_OUT="$(k -n "$NS" logs envpod -c args 2>&1)"
expect "\$(VAR) expands, \$\$ escapes, unknown stays, env refs earlier env" 0 '^A=hello B=\$\(GREETING\) C=\$\(MISSING\) D=hello-world E=\$hello$' -- echo "$ARGS_OUT"
ENV_OUT="$(k -n "$NS" logs envpod -c env 2>&1)"
UID_="$(k -n "$NS" get pod envpod -o jsonpath='{.metadata.uid}')"
IP_="$(k -n "$NS" get pod envpod -o jsonpath='{.status.podIP}')"
for want in PLAIN=plain-value CM_A=apple SEC_S=sekret F_NAME=envpod "F_NS=$NS" "F_UID=$UID_" F_LABEL=ex-value "F_IP=$IP_" "F_NODE=$NODE" F_SA=default R_MEM=64 P_a=apple P_b=banana s=sekret t=topsecret; do
  expect "env $want" 0 "^${want//./\\.}\$" -- echo "$ENV_OUT"
done
expect "the pod IP is set (in this cluster's pod network)" 0 "^${POD_GATEWAY%.*.*}\\." -- echo "$IP_"
expect "an optional missing key is left out" 1 '' -- grep -q '^OPT_MISSING=' <<<"$ENV_OUT"
eventually "a missing configMap key shows CreateContainerConfigError" 30 '^missingkey +0/1 +CreateContainerConfigError ' -- k -n "$NS" get pod missingkey --no-headers
expect "…with a message naming the key" 0 'couldn.t find key nope in ConfigMap' -- k -n "$NS" get pod missingkey -o 'jsonpath={.status.containerStatuses[0].state.waiting.message}'

# ---- workingDir, runAsUser/runAsGroup, readOnlyRootFilesystem, capabilities, privileged ----
cat > "$DATA_DIR/37-sec.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: secpod}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    $IMG
    workingDir: /etc
    securityContext: {runAsUser: 1234, runAsGroup: 5678, readOnlyRootFilesystem: true}
    command: [sh, -c, 'echo pwd=\$(pwd); echo uid=\$(id -u); echo gid=\$(id -g); touch /x 2>/dev/null && echo rootfs=writable || echo rootfs=readonly']
---
apiVersion: v1
kind: Pod
metadata: {name: podsec}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  securityContext: {runAsUser: 1000, runAsGroup: 2000, supplementalGroups: [3000], fsGroup: 4000}
  containers:
  - {name: inherit, $IMG, command: [sh, -c, 'echo uid=\$(id -u) gid=\$(id -g) groups=\$(id -G)']}
  - {name: override, $IMG, securityContext: {runAsUser: 1001}, command: [sh, -c, 'echo uid=\$(id -u) gid=\$(id -g)']}
YAML
cat > "$DATA_DIR/37-caps.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: caps}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  containers:
  - name: add
    $IMG
    securityContext: {capabilities: {add: [NET_ADMIN]}}
    command: [sh, -c, 'c=\$(awk "/^CapEff/{print \\\$2}" /proc/self/status); echo netadmin=\$(( (0x\$c >> 12) & 1 )); ip addr add 10.9.9.9/32 dev lo && echo ipaddr=ok || echo ipaddr=denied']
  - name: plain
    $IMG
    command: [sh, -c, 'c=\$(awk "/^CapEff/{print \\\$2}" /proc/self/status); echo netadmin=\$(( (0x\$c >> 12) & 1 )); ip addr add 10.9.9.9/32 dev lo 2>/dev/null && echo ipaddr=ok || echo ipaddr=denied']
  - name: dropall
    $IMG
    securityContext: {capabilities: {drop: [ALL]}}
    command: [sh, -c, 'awk "/^CapEff/{print \\"capeff=\\" \\\$2}" /proc/self/status; chown 1 /tmp && echo chown=ok || echo chown=denied']
YAML
cat > "$DATA_DIR/37-priv.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: priv}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  containers:
  - name: priv
    $IMG
    securityContext: {privileged: true}
    command: [sh, -c, 'test -e /dev/mem && echo devmem=yes || echo devmem=no; awk "/^CapEff/{print \\"capeff=\\" \\\$2}" /proc/self/status']
YAML
k -n "$NS" apply -f "$DATA_DIR/37-sec.yaml" >/dev/null
k -n "$PNS" apply -f "$DATA_DIR/37-caps.yaml" -f "$DATA_DIR/37-priv.yaml" >/dev/null 2>&1
eventually "the securityContext pod completes" 60 '^Succeeded$' -- phase "$NS" secpod
SEC_OUT="$(k -n "$NS" logs secpod 2>&1)"
for want in pwd=/etc uid=1234 gid=5678 rootfs=readonly; do expect "securityContext $want" 0 "^$want\$" -- echo "$SEC_OUT"; done
eventually "the pod-level securityContext pod completes" 60 '^Succeeded$' -- phase "$NS" podsec
expect "pod-level runAsUser/runAsGroup, supplementalGroups and fsGroup apply" 0 '^uid=1000 gid=2000 groups=2000 3000 4000$' -- k -n "$NS" logs podsec -c inherit
expect "a container-level runAsUser overrides the pod's" 0 '^uid=1001 gid=2000$' -- k -n "$NS" logs podsec -c override
eventually "the capabilities pod completes" 60 '^Succeeded$' -- phase "$PNS" caps
expect "capabilities.add NET_ADMIN is effective" 0 '^netadmin=1$' -- k -n "$PNS" logs caps -c add
expect "…and allows ip addr add" 0 '^ipaddr=ok$' -- k -n "$PNS" logs caps -c add
expect "without it NET_ADMIN is absent" 0 '^netadmin=0$' -- k -n "$PNS" logs caps -c plain
expect "drop ALL leaves no effective capabilities" 0 '^capeff=0000000000000000$' -- k -n "$PNS" logs caps -c dropall
expect "…so chown is denied" 0 '^chown=denied$' -- k -n "$PNS" logs caps -c dropall
expect "…without it ip addr add is denied" 0 '^ipaddr=denied$' -- k -n "$PNS" logs caps -c plain
# Some engines (e.g. Docker inside a VM whose bounding set lacks a capability) cannot run --privileged at all; there
# only the HostConfig is checked.
if docker run --rm --privileged dockube/busybox:test true >/dev/null 2>&1; then
  eventually "the privileged pod completes" 60 '^Succeeded$' -- phase "$PNS" priv
  expect "privileged sees host devices" 0 '^devmem=yes$' -- k -n "$PNS" logs priv
  expect "privileged has all capabilities" 0 '^capeff=0*[13]?f{9,}$' -- k -n "$PNS" logs priv
else
  eventually "the privileged container is created" 60 '.' -- container_in "$PNS" priv priv
  expect "privileged sets HostConfig.Privileged" 0 '^true$' -- docker inspect -f '{{.HostConfig.Privileged}}' "$(container_in "$PNS" priv priv)"
fi
expect "baseline rejects capabilities.add NET_ADMIN" 1 'forbidden|violates PodSecurity' -- bash -c "sed 's/name: caps/name: caps2/' '$DATA_DIR/37-caps.yaml' | $KCTL --kubeconfig '$KC' --cache-dir '$CACHE_DIR' -n '$NS' apply -f -"

# ---- resources → Docker HostConfig ----
cat > "$DATA_DIR/37-res.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: res}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    $IMG
    command: [sleep, "3600"]
    resources: {requests: {cpu: 250m, memory: 32Mi}, limits: {cpu: 500m, memory: 64Mi}}
YAML
k -n "$NS" apply -f "$DATA_DIR/37-res.yaml" >/dev/null
eventually "the resources pod becomes Ready" 60 '^True$' -- k -n "$NS" get pod res -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'
RES_ID="$(container_in "$NS" res main)"
expect "limits/requests become Memory, CpuQuota/CpuPeriod, CpuShares" 0 '^67108864 50000 100000 256$' -- docker inspect -f '{{.HostConfig.Memory}} {{.HostConfig.CpuQuota}} {{.HostConfig.CpuPeriod}} {{.HostConfig.CpuShares}}' "$RES_ID"
expect "the QoS class is Burstable" 0 '^Burstable$' -- k -n "$NS" get pod res -o 'jsonpath={.status.qosClass}'

# ---- hostPort ----
HP="$(free_host_port)"
cat > "$DATA_DIR/37-hostport.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: httpd
    $IMG
    ports: [{containerPort: 80, hostPort: $HP}]
    command: [sh, -c, 'mkdir -p /www && echo hello-from-hostport > /www/index.html && exec httpd -f -p 80 -h /www']
YAML
expect "baseline rejects a hostPort" 1 'forbidden|violates PodSecurity' -- k -n "$NS" apply -f "$DATA_DIR/37-hostport.yaml"
k -n "$PNS" apply -f "$DATA_DIR/37-hostport.yaml" >/dev/null
eventually "the hostPort pod becomes Ready" 60 '^True$' -- k -n "$PNS" get pod web -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'
eventually "hostPort reaches the pod from the host" 15 '^hello-from-hostport$' -- curl -s --max-time 2 http://127.0.0.1:$HP/

# ---- termination messages ----
cat > "$DATA_DIR/37-term.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: term}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  containers:
  - {name: file, $IMG, command: [sh, -c, 'echo -n bye-from-file > /dev/termination-log; echo log-line; exit 1']}
  - {name: custom, $IMG, terminationMessagePath: /tmp/my-msg, command: [sh, -c, 'echo -n custom-path-msg > /tmp/my-msg; exit 0']}
  - {name: fallback, $IMG, terminationMessagePolicy: FallbackToLogsOnError, command: [sh, -c, 'echo first-line; echo last-log-line; exit 2']}
  - {name: fallbackok, $IMG, terminationMessagePolicy: FallbackToLogsOnError, command: [sh, -c, 'echo not-a-message; exit 0']}
---
apiVersion: v1
kind: Pod
metadata: {name: termrestart}
spec:
  restartPolicy: Always
  terminationGracePeriodSeconds: 1
  containers:
  - {name: main, $IMG, command: [sh, -c, 'echo -n restart-msg > /dev/termination-log; sleep 1; exit 1']}
YAML
k -n "$NS" apply -f "$DATA_DIR/37-term.yaml" >/dev/null
eventually "the termination pod fails" 60 '^Failed$' -- phase "$NS" term
tmsg() { k -n "$NS" get pod term -o "jsonpath={.status.containerStatuses[?(@.name==\"$1\")].state.terminated.message}"; }
expect "terminationMessagePath content is the message" 0 '^bye-from-file$' -- tmsg file
expect "a custom terminationMessagePath is read" 0 '^custom-path-msg$' -- tmsg custom
expect "FallbackToLogsOnError uses the log tail on error" 0 'first-line.*last-log-line|last-log-line' -- tmsg fallback
expect "FallbackToLogsOnError leaves no message on success" 0 '^$' -- tmsg fallbackok
eventually "a restarted container keeps the message in lastState" 40 '^restart-msg$' -- k -n "$NS" get pod termrestart -o 'jsonpath={.status.containerStatuses[0].lastState.terminated.message}'

# ---- hostname, subdomain, /etc/hosts ----
cat > "$DATA_DIR/37-host.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: hostpod}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  containers:
  - {name: main, $IMG, command: [sh, -c, 'echo hostname=\$(hostname); cat /etc/hosts']}
---
apiVersion: v1
kind: Pod
metadata: {name: custompod}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  hostname: custom
  subdomain: sub
  containers:
  - {name: main, $IMG, command: [sh, -c, 'echo hostname=\$(hostname); cat /etc/hosts']}
YAML
k -n "$NS" apply -f "$DATA_DIR/37-host.yaml" >/dev/null
eventually "the hostname pods complete" 60 '^Succeeded Succeeded$' -- bash -c "echo \$($KCTL --kubeconfig '$KC' --cache-dir '$CACHE_DIR' -n '$NS' get pod hostpod custompod -o 'jsonpath={.items[*].status.phase}')"
H_OUT="$(k -n "$NS" logs hostpod 2>&1)"; H_IP="$(k -n "$NS" get pod hostpod -o jsonpath='{.status.podIP}')"
expect "hostname is the pod name" 0 '^hostname=hostpod$' -- echo "$H_OUT"
expect "/etc/hosts maps the pod IP to the pod name" 0 "^${H_IP//./\\.}[[:space:]]+hostpod\$" -- echo "$H_OUT"
C_OUT="$(k -n "$NS" logs custompod 2>&1)"; C_IP="$(k -n "$NS" get pod custompod -o jsonpath='{.status.podIP}')"
expect "spec.hostname sets the hostname" 0 '^hostname=custom$' -- echo "$C_OUT"
expect "/etc/hosts has the FQDN with the subdomain" 0 "^${C_IP//./\\.}[[:space:]]+custom\\.sub\\.$NS\\.svc\\.cluster\\.local[[:space:]]+custom\$" -- echo "$C_OUT"

# 62 characters, then '-': the 63-character cut would end in '-', which is trimmed.
LONG="host-$(printf 'x%.0s' $(seq 1 57))-tail"
cat > "$DATA_DIR/37-host2.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $LONG}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  containers:
  - {name: main, $IMG, command: [sh, -c, 'echo hostname=\$(hostname)']}
---
apiVersion: v1
kind: Pod
metadata: {name: fqdnpod}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  subdomain: sub
  setHostnameAsFQDN: true
  containers:
  - {name: main, $IMG, command: [sh, -c, 'echo hostname=\$(hostname)']}
YAML
k -n "$NS" apply -f "$DATA_DIR/37-host2.yaml" >/dev/null
eventually "the long-named pod completes" 60 '^Succeeded$' -- phase "$NS" "$LONG"
expect "a pod name over 63 characters is truncated for the hostname (no trailing '-')" 0 "^hostname=${LONG:0:62}\$" -- k -n "$NS" logs "$LONG"
eventually "the setHostnameAsFQDN pod completes" 60 '^Succeeded$' -- phase "$NS" fqdnpod
expect "setHostnameAsFQDN makes the hostname the FQDN" 0 "^hostname=fqdnpod\\.sub\\.$NS\\.svc\\.cluster\\.local\$" -- k -n "$NS" logs fqdnpod

# ---- more config errors, init crash loop ----
cat > "$DATA_DIR/37-errs.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: nocm}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: app, $IMG, command: [sleep, "3600"], envFrom: [{configMapRef: {name: absent}}]}
---
apiVersion: v1
kind: Pod
metadata: {name: nosecretkey}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: app, $IMG, command: [sleep, "3600"], env: [{name: S, valueFrom: {secretKeyRef: {name: sec, key: nope}}}]}
---
apiVersion: v1
kind: Pod
metadata: {name: initloop}
spec:
  terminationGracePeriodSeconds: 1
  initContainers:
  - {name: bad, $IMG, command: [sh, -c, 'exit 1']}
  containers:
  - {name: app, $IMG, command: [sleep, "3600"]}
YAML
k -n "$NS" apply -f "$DATA_DIR/37-errs.yaml" >/dev/null
wmsg() { k -n "$NS" get pod "$1" -o 'jsonpath={.status.containerStatuses[0].state.waiting.reason}: {.status.containerStatuses[0].state.waiting.message}'; }
eventually "a missing envFrom configMap is CreateContainerConfigError" 30 '^CreateContainerConfigError: configmap "absent" not found$' -- wmsg nocm
eventually "a missing secret key is CreateContainerConfigError" 30 "^CreateContainerConfigError: couldn't find key nope in Secret $NS/sec\$" -- wmsg nosecretkey
eventually "a crash-looping init container shows Init:CrashLoopBackOff" 40 '^initloop +0/1 +Init:CrashLoopBackOff ' -- k -n "$NS" get pod initloop --no-headers
expect "…and the pod stays Pending" 0 '^Pending$' -- phase "$NS" initloop

# ---- stdin/tty: kubectl attach (WebSocket with kubectl >= 1.30, SPDY with 1.29) ----
cat > "$DATA_DIR/37-tty.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: ttypod}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  containers:
  - {name: main, $IMG, stdin: true, tty: true, command: [sh]}
YAML
k -n "$NS" apply -f "$DATA_DIR/37-tty.yaml" >/dev/null
eventually "the tty pod becomes Ready" 60 '^True$' -- k -n "$NS" get pod ttypod -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'
# stdin stays open until the shell has exited: Docker ends a TTY attach's output as soon as its stdin closes.
expect "kubectl attach -i feeds the shell's stdin and shows its tty output" 0 'attached-42' -- bash -c "(echo 'echo attached-\$((6*7)); tty; exit 0'; sleep 3) | timeout 20 $KCTL --kubeconfig '$KC' --cache-dir '$CACHE_DIR' -n '$NS' attach -i ttypod -c main"
eventually "the shell exited, the pod Succeeded" 30 '^Succeeded$' -- phase "$NS" ttypod
expect "the container had a tty" 0 '^/dev/pts/' -- k -n "$NS" logs ttypod

# ---- sysctls: refused at validation, the safe set applied, others rejected by the kubelet (SysctlForbidden) ----
cat > "$DATA_DIR/37-badsysctl.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: badsysctl}
spec:
  securityContext: {sysctls: [{name: foo-, value: bar}, {name: kernel.shmmax, value: '100000000'}, {name: bar.., value: '42'}]}
  containers: [{name: c, $IMG}]
YAML
SYSCTL_OUT="$(k -n "$NS" apply -f "$DATA_DIR/37-badsysctl.yaml" 2>&1)"; SYSCTL_RC=$?
# kubectl prints one cause a line: the two are read as one.
expect "invalid sysctl names are refused at validation" 0 '^rc=1 .*Invalid value: "foo-": must have at most 253 characters.*Invalid value: "bar\.\."' -- echo "rc=$SYSCTL_RC $(tr '\n' ' ' <<<"$SYSCTL_OUT")"
expect "…the valid one is not named" 1 '' -- grep -q kernel.shmmax <<<"$SYSCTL_OUT"
cat > "$DATA_DIR/37-sysctls.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: safesysctl}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  securityContext: {sysctls: [{name: kernel.shm_rmid_forced, value: '1'}]}
  containers: [{name: c, $IMG, command: [cat, /proc/sys/kernel/shm_rmid_forced]}]
---
apiVersion: v1
kind: Pod
metadata: {name: unsafesysctl}
spec:
  terminationGracePeriodSeconds: 1
  securityContext: {sysctls: [{name: kernel.msgmax, value: '10000000000'}]}
  containers: [{name: c, $IMG, command: [sleep, '3600']}]
YAML
k -n "$PNS" apply -f "$DATA_DIR/37-sysctls.yaml" >/dev/null
eventually "a pod with a safe sysctl runs" 40 '^Succeeded$' -- phase "$PNS" safesysctl
expect "…and the sysctl is set in it" 0 '^1$' -- k -n "$PNS" logs safesysctl
eventually "an unsafe sysctl fails the pod on the node with SysctlForbidden" 30 '^Failed SysctlForbidden Pod was rejected: forbidden sysctl: "kernel.msgmax" not allowlisted$' -- k -n "$PNS" get pod unsafesysctl -o 'jsonpath={.status.phase} {.status.reason} {.status.message}'
expect "…and none of its containers was created" 0 '' -- test -z "$(container_in "$PNS" unsafesysctl c)"

k delete ns "$NS" "$PNS" --wait=false >/dev/null 2>&1
