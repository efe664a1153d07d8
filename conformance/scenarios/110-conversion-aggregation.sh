# CRD conversion webhooks and the aggregation layer with the real kubectl. One pod (dockube/node-test) behind the
# Service `wardle` serves both over HTTPS (conformance/servers/wardle-and-converter.mjs):
# - a CronTab CRD stored in v2 (spec.schedule) and served in v1 (spec.cronSpec) with a Webhook conversion: a v1 write
#   is stored as v2, reads in either version see their own field, a broken webhook fails reads with upstream's text;
# - an APIService for wardle.example.com/v1alpha1: not Available (ServiceNotFound) until its Service exists, then
#   Available, its discovery merged (`api-resources`, `get flunders`), `get --raw` proxied with the front-proxy client
#   certificate and the user in X-Remote-User (the server refuses requests without that certificate); the API server
#   itself takes X-Remote-User from the front proxy's certificate only.
bash "$ROOT/scripts/build-test-images.sh" >/dev/null 2>&1 || fail "build-test-images.sh"
k create ns "$NS" >/dev/null
(
  cd "$DATA_DIR" &&
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt -days 1 -subj /CN=test-ca &&
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout tls.key -out tls.csr -subj "/CN=wardle.$NS.svc" &&
    printf 'subjectAltName=DNS:wardle.%s.svc\nextendedKeyUsage=serverAuth\n' "$NS" >ext.cnf &&
    openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out tls.crt -days 1 -extfile ext.cnf
) >/dev/null 2>&1 || fail "openssl certificates"
CA_BUNDLE="$(base64 -w0 <"$DATA_DIR/ca.crt")"

cat >"$DATA_DIR/apiservice.yaml" <<YAML
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1alpha1.wardle.example.com}
spec:
  group: wardle.example.com
  version: v1alpha1
  service: {namespace: $NS, name: wardle, port: 443}
  caBundle: $CA_BUNDLE
  groupPriorityMinimum: 1000
  versionPriority: 15
YAML
expect "create an APIService naming a missing Service" 0 'created' -- k apply -f "$DATA_DIR/apiservice.yaml"
eventually "not Available: ServiceNotFound" 20 "v1alpha1.wardle.example.com +$NS/wardle +False \(ServiceNotFound\)" -- k get apiservice v1alpha1.wardle.example.com --no-headers

# The extension server trusts request headers only from the front proxy: the CA the API server publishes for it.
eventually "extension-apiserver-authentication names the front proxy" 20 'front-proxy-client' -- \
  k -n kube-system get configmap extension-apiserver-authentication -o jsonpath='{.data.requestheader-allowed-names}'
k -n kube-system get configmap extension-apiserver-authentication -o jsonpath='{.data.requestheader-client-ca-file}' >"$DATA_DIR/front-proxy-ca.crt"
# The API server itself takes request headers from its front proxy (that CA, an allowed CN), and from no one else.
whoami_with() { # CERT-NAME HEADER...: a SelfSubjectReview over TLS with <data-dir>/pki/CERT-NAME.crt and the headers
  local cert="$DATA_DIR/pki/$1" args=() h; shift
  for h in "$@"; do args+=(-H "$h"); done
  curl -sS --cacert "$DATA_DIR/pki/ca.crt" --cert "$cert.crt" --key "$cert.key" "${args[@]}" -H 'Content-Type: application/json' \
    -d '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}' \
    "$(k config view --minify -o jsonpath='{.clusters[0].cluster.server}')/apis/authentication.k8s.io/v1/selfsubjectreviews"
}
expect "the front proxy's certificate with X-Remote-User/X-Remote-Group authenticates that user" 0 '"username":"alice".*"devs"' -- \
  whoami_with front-proxy-client 'X-Remote-User: alice' 'X-Remote-Group: devs'
expect "a user's certificate asserts no one else in X-Remote-User" 0 '"username":"dockube-admin"' -- whoami_with admin 'X-Remote-User: alice'
k -n "$NS" create configmap front-proxy --from-file=ca.crt="$DATA_DIR/front-proxy-ca.crt" >/dev/null
k -n "$NS" create secret tls wardle-tls --cert="$DATA_DIR/tls.crt" --key="$DATA_DIR/tls.key" >/dev/null
k -n "$NS" create configmap wardle-server --from-file=server.mjs="$ROOT/conformance/servers/wardle-and-converter.mjs" >/dev/null
cat >"$DATA_DIR/wardle.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: wardle, namespace: $NS, labels: {app: wardle}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: server
    image: dockube/node-test:v20
    args: [/srv/server.mjs]
    ports: [{containerPort: 8443, name: https}]
    readinessProbe: {tcpSocket: {port: 8443}, periodSeconds: 1}
    volumeMounts: [{name: src, mountPath: /srv}, {name: tls, mountPath: /tls}, {name: fp, mountPath: /front-proxy}]
  volumes:
  - {name: src, configMap: {name: wardle-server}}
  - {name: tls, secret: {secretName: wardle-tls}}
  - {name: fp, configMap: {name: front-proxy}}
---
apiVersion: v1
kind: Service
metadata: {name: wardle, namespace: $NS}
spec:
  selector: {app: wardle}
  ports: [{port: 443, targetPort: https}]
YAML
expect "the server's pod and Service" 0 'service/wardle created' -- k apply -f "$DATA_DIR/wardle.yaml"
expect "the server runs" 0 'condition met' -- k -n "$NS" wait --for=condition=Ready pod/wardle --timeout=90s

# ---- the aggregation layer ----
eventually "the APIService becomes Available" 40 "v1alpha1.wardle.example.com +$NS/wardle +True " -- k get apiservice v1alpha1.wardle.example.com --no-headers
expect "its condition is upstream's" 0 '^Passed: all checks passed$' -- \
  k get apiservice v1alpha1.wardle.example.com -o jsonpath='{.status.conditions[?(@.type=="Available")].reason}: {.status.conditions[?(@.type=="Available")].message}'
expect "get --raw reaches the extension server's discovery" 0 '"name":"flunders"' -- k get --raw /apis/wardle.example.com/v1alpha1
expect "get --raw of a resource: proxied as the admin, named by the front proxy" 0 '"requestedBy":"dockube-admin"' -- \
  k get --raw "/apis/wardle.example.com/v1alpha1/namespaces/$NS/flunders"
expect "the group is in /apis" 0 'wardle.example.com/v1alpha1' -- k api-versions
eventually "api-resources lists the remote resource from aggregated discovery" 20 '^flunders +fl +wardle.example.com/v1alpha1 +true +Flunder' -- \
  k api-resources --api-group=wardle.example.com --no-headers
expect "kubectl get flunders: the extension server's Table" 0 '^hello +dockube-admin$' -- k -n "$NS" get flunders --no-headers
eventually "kubectl explain reads the remote kind from the merged OpenAPI" 20 'KIND: +Flunder' -- k explain flunders
expect "kubectl explain of a remote field" 0 'The user the front proxy named' -- k explain flunders.spec.requestedBy
expect "authorized here first: the viewer may not list them (no RBAC for the group)" 1 'Forbidden|forbidden' -- \
  k --context dockube-view -n "$NS" get flunders

# ---- CRD conversion webhook ----
cat >"$DATA_DIR/crd.yaml" <<YAML
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: crontabs.stable.example.com}
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct]}
  conversion:
    strategy: Webhook
    webhook:
      conversionReviewVersions: [v1]
      clientConfig:
        caBundle: $CA_BUNDLE
        service: {namespace: $NS, name: wardle, path: /convert, port: 443}
  versions:
  - name: v1
    served: true
    storage: false
    schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {cronSpec: {type: string}}}}}}
  - name: v2
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {schedule: {type: string}}}}}}
YAML
expect "create a CRD with a Webhook conversion" 0 'created' -- k apply -f "$DATA_DIR/crd.yaml"
eventually "the CRD is Established" 20 'True' -- k get crd crontabs.stable.example.com -o jsonpath='{.status.conditions[?(@.type=="Established")].status}'
cat >"$DATA_DIR/ct-v1.yaml" <<YAML
apiVersion: stable.example.com/v1
kind: CronTab
metadata: {name: nightly, namespace: $NS}
spec: {cronSpec: "0 3 * * *"}
YAML
eventually "a v1 object is created (converted to v2 for storage)" 20 'created' -- k apply -f "$DATA_DIR/ct-v1.yaml"
expect "read in v2 (the storage version): spec.schedule" 0 '^0 3 \* \* \*$' -- k -n "$NS" get crontabs.v2.stable.example.com nightly -o jsonpath='{.spec.schedule}'
expect "read in v1 through the webhook: spec.cronSpec" 0 '^0 3 \* \* \*;$' -- \
  k -n "$NS" get crontabs.v1.stable.example.com nightly -o jsonpath='{.spec.cronSpec};{.spec.schedule}'
expect "a v1 list through the webhook" 0 '^nightly=0 3 \* \* \*$' -- \
  k -n "$NS" get crontabs.v1.stable.example.com -o jsonpath='{range .items[*]}{.metadata.name}={.spec.cronSpec}{end}'
expect "point the webhook at a path the server does not serve" 0 'patched' -- \
  k patch crd crontabs.stable.example.com --type=json -p '[{"op":"replace","path":"/spec/conversion/webhook/clientConfig/service/path","value":"/missing"}]'
eventually "a v1 read now fails with upstream's text" 20 'conversion webhook for stable.example.com/v2, Kind=CronTab failed' -- \
  k -n "$NS" get crontabs.v1.stable.example.com nightly
expect "v2 reads need no conversion" 0 '^0 3 \* \* \*$' -- k -n "$NS" get crontabs.v2.stable.example.com nightly -o jsonpath='{.spec.schedule}'
k delete apiservice v1alpha1.wardle.example.com >/dev/null 2>&1
k delete ns "$NS" --wait=false >/dev/null 2>&1
