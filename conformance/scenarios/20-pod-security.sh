# PodSecurity admission: dockube enforces baseline by default; namespaces opt out (privileged) or in (restricted).
k create ns "$NS" >/dev/null
cat > "$DATA_DIR/priv.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: priv, namespace: $NS}
spec:
  containers:
  - name: c
    image: dockube/busybox:test
    securityContext: {privileged: true}
YAML
cat > "$DATA_DIR/hostpath.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: hostpath, namespace: $NS}
spec:
  containers:
  - {name: c, image: dockube/busybox:test, volumeMounts: [{name: root, mountPath: /host}]}
  volumes:
  - {name: root, hostPath: {path: /}}
YAML
expect "privileged pod refused at baseline" 1 \
  'Error from server \(Forbidden\): error when creating ".*priv.yaml": pods "priv" is forbidden: violates PodSecurity "baseline:latest": privileged \(container "c" must not set securityContext.privileged=true\)' \
  -- k apply -f "$DATA_DIR/priv.yaml"
expect "hostPath pod refused at baseline" 1 \
  'pods "hostpath" is forbidden: violates PodSecurity "baseline:latest": hostPath volumes \(volume "root"\)' -- k apply -f "$DATA_DIR/hostpath.yaml"
expect "kubectl run --privileged refused" 1 'violates PodSecurity "baseline:latest": privileged' -- \
  k -n "$NS" run privrun --image=dockube/busybox:test --privileged
expect "the refused pod does not exist" 1 'pods "priv" not found' -- k -n "$NS" get pod priv
expect "a deployment with a privileged template warns but is created" 0 \
  'Warning: would violate PodSecurity "baseline:latest": privileged \(container "c" must not set securityContext.privileged=true\)' -- \
  k -n "$NS" create -f - <<<"$(printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: privdep}\nspec:\n  selector: {matchLabels: {app: privdep}}\n  template:\n    metadata: {labels: {app: privdep}}\n    spec:\n      containers: [{name: c, image: dockube/busybox:test, securityContext: {privileged: true}}]\n')"
expect "the deployment exists" 0 '^deployment.apps/privdep$' -- k -n "$NS" get deploy privdep -o name
expect "invalid level label refused" 1 'metadata.labels\[pod-security.kubernetes.io/enforce\]: Invalid value: "strict": must be one of privileged, baseline, restricted' -- \
  k label ns "$NS" pod-security.kubernetes.io/enforce=strict
expect "opt out with enforce=privileged" 0 "namespace/$NS labeled" -- k label ns "$NS" pod-security.kubernetes.io/enforce=privileged
expect "privileged pod created once opted out" 0 'pod/priv created' -- k apply -f "$DATA_DIR/priv.yaml"
expect "hostPath pod created once opted out" 0 'pod/hostpath created' -- k apply -f "$DATA_DIR/hostpath.yaml"
expect "tightening enforce warns about existing pods" 0 \
  "Warning: existing pods in namespace \"$NS\" violate the new PodSecurity enforce level \"baseline:latest\"" -- \
  k label --overwrite ns "$NS" pod-security.kubernetes.io/enforce=baseline

# restricted: a plain pod and a root pod are refused; a hardened one is admitted.
k create ns "$NS-r" >/dev/null
expect "opt in to restricted" 0 "namespace/$NS-r labeled" -- k label ns "$NS-r" pod-security.kubernetes.io/enforce=restricted
expect "restricted refuses a plain pod" 1 \
  'pods "plain" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false \(container "plain" must set securityContext.allowPrivilegeEscalation=false\), unrestricted capabilities' -- \
  k -n "$NS-r" run plain --image=dockube/busybox:test
cat > "$DATA_DIR/root.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: root, namespace: $NS-r}
spec:
  securityContext: {runAsNonRoot: true, runAsUser: 0, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: c
    image: dockube/busybox:test
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
YAML
expect "restricted refuses a root pod" 1 'pods "root" is forbidden: violates PodSecurity "restricted:latest": runAsUser=0 \(pod must not set runAsUser=0\)' -- \
  k apply -f "$DATA_DIR/root.yaml"
sed -e 's/name: root,/name: nonroot,/' -e 's/runAsUser: 0/runAsUser: 1000/' "$DATA_DIR/root.yaml" > "$DATA_DIR/nonroot.yaml"
expect "restricted admits a hardened pod" 0 'pod/nonroot created' -- k apply -f "$DATA_DIR/nonroot.yaml"
k delete ns "$NS" "$NS-r" --wait=false >/dev/null 2>&1
