# Admission webhooks with the real kubectl: a webhook server in a pod (dockube/node-test: the host's node in a scratch
# image) behind a Service, called over HTTPS with the configured caBundle and `<svc>.<ns>.svc` as the name its
# certificate holds. A MutatingWebhookConfiguration labels every new pod of the namespaces its namespaceSelector picks
# (JSONPatch, with a warning kubectl prints), also on a server-side dry run (sideEffects None); a
# ValidatingWebhookConfiguration refuses a pod labelled deny=true with upstream's message; a webhook whose Service is
# missing fails a request closed (failurePolicy Fail) with upstream's `failed calling webhook` text; a CONNECT webhook
# refuses kubectl exec and port-forward.
bash "$ROOT/scripts/build-test-images.sh" >/dev/null 2>&1 || fail "build-test-images.sh"
T="$NS-t"
k create ns "$NS" >/dev/null
k create ns "$T" >/dev/null
k label ns "$T" "webhook-test=$NS" >/dev/null

# A CA and the serving certificate for hooks.$NS.svc.
(
  cd "$DATA_DIR" &&
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt -days 1 -subj /CN=test-ca &&
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout tls.key -out tls.csr -subj "/CN=hooks.$NS.svc" &&
    printf 'subjectAltName=DNS:hooks.%s.svc\nextendedKeyUsage=serverAuth\n' "$NS" >ext.cnf &&
    openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out tls.crt -days 1 -extfile ext.cnf
) >/dev/null 2>&1 || fail "openssl certificates"
CA_BUNDLE="$(base64 -w0 <"$DATA_DIR/ca.crt")"
k -n "$NS" create secret tls hooks-tls --cert="$DATA_DIR/tls.crt" --key="$DATA_DIR/tls.key" >/dev/null
k -n "$NS" create configmap hooks-server --from-file=server.mjs="$ROOT/conformance/servers/admission-webhook.mjs" >/dev/null
cat >"$DATA_DIR/hooks.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: hooks, namespace: $NS, labels: {app: hooks}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: server
    image: dockube/node-test:v20
    args: [/srv/server.mjs]
    ports: [{containerPort: 8443, name: https}]
    readinessProbe: {tcpSocket: {port: 8443}, periodSeconds: 1}
    volumeMounts: [{name: src, mountPath: /srv}, {name: tls, mountPath: /tls}]
  volumes:
  - {name: src, configMap: {name: hooks-server}}
  - {name: tls, secret: {secretName: hooks-tls}}
---
apiVersion: v1
kind: Service
metadata: {name: hooks, namespace: $NS}
spec:
  selector: {app: hooks}
  ports: [{port: 443, targetPort: https}]
YAML
expect "the webhook server's pod and Service" 0 'service/hooks created' -- k apply -f "$DATA_DIR/hooks.yaml"
expect "the webhook server runs (node from the scratch image)" 0 'condition met' -- k -n "$NS" wait --for=condition=Ready pod/hooks --timeout=90s
eventually "the Service has the pod as endpoint" 30 ':8443' -- k -n "$NS" get endpoints hooks -o jsonpath='{.subsets[0].addresses[0].ip}:{.subsets[0].ports[0].port}'

webhook_yaml() { # KIND NAME PATH [EXTRA-LINE...]
  local kind="$1" name="$2" path="$3"; shift 3
  printf 'apiVersion: admissionregistration.k8s.io/v1\nkind: %sWebhookConfiguration\nmetadata: {name: %s}\nwebhooks:\n' "$kind" "$name-$NS"
  printf -- '- name: %s\n  admissionReviewVersions: [v1]\n  sideEffects: None\n  timeoutSeconds: 5\n' "$name"
  printf '  namespaceSelector: {matchLabels: {webhook-test: %s}}\n' "$NS"
  printf '  clientConfig:\n    caBundle: %s\n    service: {namespace: %s, name: hooks, path: %s}\n' "$CA_BUNDLE" "$NS" "$path"
  printf '  rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}]\n'
  for l in "$@"; do printf '  %s\n' "$l"; done
}
webhook_yaml Mutating label.dockube.test /mutate >"$DATA_DIR/mutating.yaml"
webhook_yaml Validating deny.dockube.test /validate >"$DATA_DIR/validating.yaml"
expect "create the ValidatingWebhookConfiguration" 0 'created' -- k apply -f "$DATA_DIR/validating.yaml"
expect "create the MutatingWebhookConfiguration" 0 'created' -- k apply -f "$DATA_DIR/mutating.yaml"
expect "get mutatingwebhookconfigurations: WEBHOOKS 1" 0 "^label.dockube.test-$NS +1 " -- k get mutatingwebhookconfigurations "label.dockube.test-$NS" --no-headers

# The configurations reach the plugins through their informers: a server-side dry run (sideEffects None) is mutated
# once they have.
eventually "a server-side dry run is mutated (sideEffects None)" 20 '^true$' -- \
  k -n "$T" run p3 --image=dockube/busybox:test --restart=Never --dry-run=server -o jsonpath='{.metadata.labels.webhook\.dockube\.test/mutated}'
run_pod() { k -n "$T" run "$@" --image=dockube/busybox:test --restart=Never --command -- sleep 3600; }
expect "a new pod: created, with the webhook's warning" 0 'Warning: labelled by the test webhook' -- run_pod p1
expect "the mutating webhook labelled it" 0 '^true$' -- k -n "$T" get pod p1 -o jsonpath='{.metadata.labels.webhook\.dockube\.test/mutated}'
expect "the validating webhook refuses a pod labelled deny=true" 1 \
  'admission webhook "deny.dockube.test" denied the request: pods labelled deny=true are not allowed' -- run_pod p2 --labels=deny=true
expect "the refused pod does not exist" 1 'NotFound' -- k -n "$T" get pod p2
expect "a pod outside the selected namespaces is not sent" 0 '^$' -- k -n "$NS" get pod hooks -o jsonpath='{.metadata.labels.webhook\.dockube\.test/mutated}'
expect "the webhook saw the requests as AdmissionReview v1 (operation, resource, user, dryRun)" 0 \
  "/mutate CREATE pods $T/p3 user=[^ ]+ dryRun=true.*/mutate CREATE pods $T/p1 user=[^ ]+ dryRun=false" -- \
  sh -c "\"$KCTL\" --kubeconfig \"$KC\" --cache-dir \"$CACHE_DIR\" -n \"$NS\" logs hooks | tr '\n' ' '"

# CONNECT: a webhook for pods/exec and pods/portforward sees kubectl exec's PodExecOptions and refuses it, and
# port-forward's PodPortForwardOptions.
webhook_yaml Validating exec.dockube.test /exec |
  sed "s/operations: \[CREATE\]/operations: [CONNECT]/; s/resources: \[pods\]/resources: [pods\/exec, pods\/portforward]/" >"$DATA_DIR/exec.yaml"
k apply -f "$DATA_DIR/exec.yaml" >/dev/null
k -n "$T" wait --for=condition=Ready pod/p1 --timeout=60s >/dev/null
eventually "a CONNECT webhook refuses kubectl exec" 20 \
  'admission webhook "exec.dockube.test" denied the request: exec of \["true"\] is not allowed here' -- k -n "$T" exec p1 -- true
expect "the CONNECT webhook refuses kubectl port-forward" 1 'admission webhook "exec.dockube.test" denied the request: port-forward is not allowed here' -- \
  timeout 20 "$KCTL" --kubeconfig "$KC" --cache-dir "$CACHE_DIR" -n "$T" port-forward pod/p1 :80

# A webhook whose Service does not exist: failurePolicy Fail refuses the request with the call's error.
webhook_yaml Validating down.dockube.test /x 'failurePolicy: Fail' |
  sed "s/name: hooks, path/name: missing, path/; s/resources: \[pods\]/resources: [configmaps]/" >"$DATA_DIR/down.yaml"
k apply -f "$DATA_DIR/down.yaml" >/dev/null
eventually "failurePolicy Fail: the call's error refuses the request" 10 \
  "Internal error occurred: failed calling webhook \"down.dockube.test\": failed to call webhook: Post \"https://missing.$NS.svc:443/x\?timeout=5s\": service \"missing\" not found" -- \
  k -n "$T" create configmap c0 --dry-run=server
sed -i 's/failurePolicy: Fail/failurePolicy: Ignore/' "$DATA_DIR/down.yaml"
k apply -f "$DATA_DIR/down.yaml" >/dev/null
eventually "failurePolicy Ignore: the request passes" 10 'configmap/c1 created' -- k -n "$T" create configmap c1
k -n "$T" delete pod p1 --wait=false >/dev/null
k -n "$NS" delete pod hooks --wait=false >/dev/null
