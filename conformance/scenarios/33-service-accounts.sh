# Service accounts: `kubectl create token` gives a token that authenticates as the service account (and gets only
# what Kubernetes' default RBAC gives one); pods get the kube-api-access volume (token, ca.crt, namespace), the
# KUBERNETES_SERVICE_* variables, and reach the API server on the pod network gateway.
# exec over WebSocket needs kubectl >= 1.30; with 1.29 the files are read with `docker exec` instead.
k create ns "$NS" >/dev/null
NODE="$(k get nodes -o jsonpath='{.items[0].metadata.name}')"
ver_ge() { [ "$(printf '%s\n' "$1" "$2" | sort -V | head -1)" = "$2" ]; }
# kubectl with the token alone: the kubeconfig's client certificate would win over --token (x509 authenticates first).
as_token() { "$KCTL" --kubeconfig /dev/null --cache-dir "$CACHE_DIR" --server "https://127.0.0.1:$PORT" --certificate-authority "$DATA_DIR/pki/ca.crt" --token "$TOKEN" "$@"; }

eventually "the default service account exists" 30 '^default$' -- k -n "$NS" get sa default -o 'jsonpath={.metadata.name}'
TOKEN="$(k -n "$NS" create token default 2>&1)"
expect "create token prints a JWT" 0 '^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$' -- echo "$TOKEN"
expect "auth whoami with the token" 0 "system:serviceaccount:$NS:default" -- as_token auth whoami
expect "whoami lists the service account groups" 0 "system:serviceaccounts:$NS" -- as_token auth whoami
expect "a service account may not list pods" 1 "User \"system:serviceaccount:$NS:default\" cannot list resource \"pods\"" -- as_token -n "$NS" get pods
expect "create token --duration below 10m is invalid" 1 'may not specify a duration less than 10 minutes' -- k -n "$NS" create token default --duration=5m
expect "create token for a missing service account" 1 'serviceaccounts "ghost" not found' -- k -n "$NS" create token ghost
k -n "$NS" create sa robot >/dev/null
ROBOT="$(k -n "$NS" create token robot)"
k -n "$NS" delete sa robot >/dev/null
TOKEN="$ROBOT" expect "a token dies with its service account" 1 'Unauthorized|must be logged in' -- as_token auth whoami

cat > "$DATA_DIR/33-pods.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: sa-pod}
spec:
  nodeName: $NODE
  containers:
  - {name: main, image: dockube/busybox:test, imagePullPolicy: IfNotPresent, command: [sleep, '3600']}
---
apiVersion: v1
kind: Pod
metadata: {name: no-token}
spec:
  nodeName: $NODE
  automountServiceAccountToken: false
  containers:
  - {name: main, image: dockube/busybox:test, imagePullPolicy: IfNotPresent, command: [sleep, '3600']}
YAML
k -n "$NS" apply -f "$DATA_DIR/33-pods.yaml" >/dev/null
expect "the pod got the kube-api-access volume" 0 '^kube-api-access-[a-z0-9]{5}$' -- k -n "$NS" get pod sa-pod -o 'jsonpath={.spec.volumes[0].name}'
expect "mounted read-only at the service account path" 0 '^/var/run/secrets/kubernetes.io/serviceaccount true$' -- \
  k -n "$NS" get pod sa-pod -o 'jsonpath={.spec.containers[0].volumeMounts[0].mountPath} {.spec.containers[0].volumeMounts[0].readOnly}'
expect "automountServiceAccountToken: false adds no volume" 0 '^$' -- k -n "$NS" get pod no-token -o 'jsonpath={.spec.volumes}'
expect "a pod naming a missing service account is refused" 1 "error looking up service account $NS/ghost: serviceaccount \"ghost\" not found" -- \
  k -n "$NS" run ghosted --image=dockube/busybox:test --overrides='{"apiVersion":"v1","spec":{"serviceAccountName":"ghost"}}'
eventually "pod sa-pod becomes Ready" 60 '^True$' -- k -n "$NS" get pod sa-pod -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'

if ver_ge "$KVER" 1.30; then
  in_pod() { k -n "$NS" exec sa-pod -- "$@"; }
else
  in_pod() {
    docker exec "$(docker ps -q --filter "label=dockube.io/data-dir=$DATA_DIR" --filter "label=io.kubernetes.pod.namespace=$NS" \
      --filter "label=io.kubernetes.pod.name=sa-pod" --filter "label=io.kubernetes.container.name=main" | head -1)" "$@"
  }
fi
SA_DIR=/var/run/secrets/kubernetes.io/serviceaccount
expect "the namespace file holds the namespace" 0 "^$NS\$" -- in_pod cat "$SA_DIR/namespace"
expect "ca.crt is the cluster CA" 0 'BEGIN CERTIFICATE' -- in_pod cat "$SA_DIR/ca.crt"
# As upstream: the kubernetes Service's ClusterIP (the first address of --service-cidr) and 443.
KUBE_IP="${SERVICE_CIDR%.0.0/16}.0.1"
expect "KUBERNETES_SERVICE_HOST/PORT name the kubernetes Service" 0 "^${KUBE_IP//./\\.}:443\$" -- in_pod sh -c 'echo $KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT'
expect "KUBERNETES_PORT is set" 0 "^tcp://${KUBE_IP//./\\.}:443\$" -- in_pod sh -c 'echo $KUBERNETES_PORT'
TOKEN="$(in_pod cat "$SA_DIR/token")"
expect "the pod's token authenticates as its service account" 0 "system:serviceaccount:$NS:default" -- as_token auth whoami
expect "the pod's token is bound to the pod" 0 'authentication.kubernetes.io/pod-name.*sa-pod' -- as_token auth whoami
# busybox wget's TLS offers only RSA signatures (rsa_pkcs1_sha256) and dockube's serving key is ECDSA, so an HTTPS
# request from busybox fails its handshake; reachability of the API server from the pod is checked with nc instead.
# The gateway listener binds once the pod network exists on the host: allow it a few seconds.
eventually "the API server is reachable from the pod" 20 '^open$' -- in_pod sh -c "timeout 5 nc -w 3 $POD_GATEWAY $PORT </dev/null && echo open"
eventually "the API server is reachable from the pod at the kubernetes ClusterIP" 20 '^open$' -- in_pod sh -c "timeout 5 nc -w 3 $KUBE_IP 443 </dev/null && echo open"
k -n "$NS" delete pod sa-pod --grace-period=0 --force >/dev/null 2>&1
eventually "the pod's token dies with the pod" 30 'Unauthorized|must be logged in' -- as_token auth whoami
