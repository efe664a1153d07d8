# Reviews and impersonation with the real kubectl: `auth whoami` for the admin, a service account's token and --as;
# `auth can-i --as` a user and a service account (the admin, in system:masters, may impersonate; a service account
# bound only to `view` may not); --as-group; SubjectAccessReview and LocalSubjectAccessReview posted with
# `create -f - -o yaml`; TokenReview of a `kubectl create token` token (for the API and for another audience) and of
# garbage; the Node authorizer and NodeRestriction seen through `--as system:node:<node> --as-group system:nodes`.
# Every grant checked comes from system:masters, the Node authorizer or the bindings made here (true under RBAC alone).
# The reviews are created with --validate=false: kubectl looks for a PATCH operation of a kind to check server-side
# field validation, finds none for create-only kinds and falls back to the protobuf OpenAPI v2, which dockube does not
# serve (406), so its validation step fails before any request (a real apiserver answers v2 and kubectl goes on).
k create ns "$NS" >/dev/null
API="https://127.0.0.1:$PORT"
as_token() { local t="$1"; shift; "$KCTL" --kubeconfig /dev/null --cache-dir "$CACHE_DIR" --server "$API" --certificate-authority "$DATA_DIR/pki/ca.crt" --token "$t" "$@"; }
SA="system:serviceaccount:$NS:viewer"
k -n "$NS" create sa viewer >/dev/null
k -n "$NS" create rolebinding viewer-view --clusterrole=view --serviceaccount="$NS:viewer" >/dev/null
TOKEN="$(k -n "$NS" create token viewer)"

# auth whoami (SelfSubjectReview)
expect "whoami: the admin" 0 '^Username +dockube-admin$' -- k auth whoami
expect "whoami: the admin is in system:masters" 0 '^Groups +\[system:masters system:authenticated\]$' -- k auth whoami
expect "whoami: a service account token" 0 "^Username +$SA\$" -- as_token "$TOKEN" auth whoami
expect "whoami: the service account's groups" 0 "^Groups +\[system:serviceaccounts system:serviceaccounts:$NS system:authenticated\]\$" -- as_token "$TOKEN" auth whoami
expect "whoami --as --as-group" 0 '^Groups +\[dev system:authenticated\]$' -- k auth whoami --as=bob --as-group=dev
expect "whoami --as a service account: its groups" 0 "^Groups +\[system:serviceaccounts system:serviceaccounts:$NS system:authenticated\]\$" -- k auth whoami --as="$SA"
expect "whoami -o json --as: username" 0 '"username": "bob"' -- k auth whoami --as=bob -o json

# auth can-i --as (SelfSubjectAccessReview under impersonation)
eventually "can-i --as the service account: list pods (view)" 10 '^yes$' -- k auth can-i list pods -n "$NS" --as="$SA"
expect "can-i --as the service account: not secrets" 1 '^no$' -- k auth can-i get secrets -n "$NS" --as="$SA"
expect "can-i --as the service account: not in another namespace" 1 '^no$' -- k auth can-i list pods -n default --as="$SA"
expect "can-i --as a user with no bindings" 1 '^no$' -- k auth can-i list pods -n "$NS" --as=bob
expect "a user bound only to view may not impersonate" 1 \
  "users \"bob\" is forbidden: User \"$SA\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope" -- \
  as_token "$TOKEN" auth can-i list pods -n "$NS" --as=bob
expect "nor a service account" 1 \
  "serviceaccounts \"viewer\" is forbidden: User \"$SA\" cannot impersonate resource \"serviceaccounts\" in API group \"\" in the namespace \"$NS\"" -- \
  as_token "$TOKEN" get pods -n "$NS" --as="$SA"

# --as with --as-group on ordinary requests
expect "--as bob: the denial names bob" 1 "pods is forbidden: User \"bob\" cannot list resource \"pods\" in API group \"\" in the namespace \"$NS\"" -- \
  k --as=bob --as-group=dev get pods -n "$NS"
k -n "$NS" create rolebinding dev-view --clusterrole=view --group=dev >/dev/null
eventually "--as bob --as-group dev: the group's binding applies" 10 "No resources found in $NS namespace" -- k --as=bob --as-group=dev get pods -n "$NS"
expect "--as bob without the group: still denied" 1 'cannot list resource "pods"' -- k --as=bob get pods -n "$NS"
expect "can-i --as --as-group" 0 '^yes$' -- k auth can-i list pods -n "$NS" --as=bob --as-group=dev

# SubjectAccessReview and LocalSubjectAccessReview
sar() {
  cat <<JSON
{"apiVersion":"authorization.k8s.io/v1","kind":"$1",$2"spec":{"user":"$SA","groups":["system:serviceaccounts","system:serviceaccounts:$NS","system:authenticated"],
 "resourceAttributes":{"namespace":"$3","verb":"$4","resource":"$5"}}}
JSON
}
expect "SubjectAccessReview: allowed" 0 '^  allowed: true$' -- k create --validate=false -f - -o yaml <<<"$(sar SubjectAccessReview '' "$NS" list pods)"
expect "SubjectAccessReview: the spec comes back" 0 "^  user: $SA\$" -- k create --validate=false -f - -o yaml <<<"$(sar SubjectAccessReview '' "$NS" list pods)"
expect "SubjectAccessReview: secrets not allowed" 0 '^  allowed: false$' -- k create --validate=false -f - -o yaml <<<"$(sar SubjectAccessReview '' "$NS" get secrets)"
expect "SubjectAccessReview: a user or a group is required" 1 'spec.user: Invalid value: "": at least one of user or group must be specified' -- \
  k create --validate=false -f - -o yaml <<<'{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"resourceAttributes":{"verb":"get","resource":"pods"}}}'
expect "SubjectAccessReview: exactly one kind of attributes" 1 'exactly one of nonResourceAttributes or resourceAttributes must be specified' -- \
  k create --validate=false -f - -o yaml <<<'{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":"bob"}}'
expect "LocalSubjectAccessReview: allowed in its namespace" 0 '^  allowed: true$' -- \
  k -n "$NS" create --validate=false -f - -o yaml <<<"$(sar LocalSubjectAccessReview "\"metadata\":{\"namespace\":\"$NS\"}," "$NS" list pods)"
expect "LocalSubjectAccessReview: the namespace must match" 1 "spec.resourceAttributes.namespace must match namespace: $NS" -- \
  k -n "$NS" create --validate=false -f - -o yaml <<<"$(sar LocalSubjectAccessReview "\"metadata\":{\"namespace\":\"$NS\"}," default list pods)"

# TokenReview
tokenreview() { printf '{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"%s"%s}}' "$1" "${2:-}"; }
expect "TokenReview of a service account token: authenticated" 0 '^  authenticated: true$' -- k create --validate=false -f - -o yaml <<<"$(tokenreview "$TOKEN")"
expect "TokenReview: the user" 0 "^    username: $SA\$" -- k create --validate=false -f - -o yaml <<<"$(tokenreview "$TOKEN")"
expect "TokenReview: the API's audience" 0 '^  - https://kubernetes.default.svc.cluster.local$' -- k create --validate=false -f - -o yaml <<<"$(tokenreview "$TOKEN")"
OTHER="$(k -n "$NS" create token viewer --audience=vault)"
expect "TokenReview for another audience: authenticated" 0 '^  - vault$' -- k create --validate=false -f - -o yaml <<<"$(tokenreview "$OTHER" ',"audiences":["vault"]')"
expect "a token for another audience is no good for the API" 1 'Unauthorized' -- as_token "$OTHER" get pods -n "$NS"
expect "TokenReview of garbage: an error" 0 '^  error: invalid bearer token$' -- k create --validate=false -f - -o yaml <<<"$(tokenreview garbage)"
GARBAGE="$(k create --validate=false -f - -o yaml <<<"$(tokenreview garbage)" 2>&1)"
if grep -q "^status:" <<<"$GARBAGE" && ! grep -q "authenticated: true" <<<"$GARBAGE"; then pass "TokenReview of garbage: not authenticated"; else fail "TokenReview of garbage: not authenticated" "$GARBAGE"; fi
expect "the view-bound service account may not review tokens" 1 'cannot create resource "tokenreviews" in API group "authentication.k8s.io" at the cluster scope' -- \
  as_token "$TOKEN" create --validate=false -f - -o yaml <<<"$(tokenreview garbage)"

# The Node authorizer and NodeRestriction, seen through impersonation of the kubelet's identity.
NODE="$(k get nodes -o jsonpath='{.items[0].metadata.name}')"
AS_NODE=(--as="system:node:$NODE" --as-group=system:nodes)
k -n "$NS" create secret generic node-secret --from-literal=k=v >/dev/null
k -n "$NS" create -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: uses-secret}
spec:
  containers: [{name: c, image: dockube/busybox:test, command: [sleep, "3600"], volumeMounts: [{name: s, mountPath: /s}]}]
  volumes: [{name: s, secret: {secretName: node-secret}}]
YAML
eventually "the node reads the secret of a pod bound to it" 30 '^node-secret$' -- k "${AS_NODE[@]}" -n "$NS" get secret node-secret -o 'jsonpath={.metadata.name}'
expect "can-i as the node: get that secret" 0 '^yes$' -- k "${AS_NODE[@]}" auth can-i get secret/node-secret -n "$NS"
k -n "$NS" create secret generic unrelated --from-literal=k=v >/dev/null
expect "the node may not read a secret no pod of it references" 1 \
  "secrets \"unrelated\" is forbidden: User \"system:node:$NODE\" cannot get resource \"secrets\" in API group \"\" in the namespace \"$NS\": no relationship found between node '$NODE' and this object" -- \
  k "${AS_NODE[@]}" -n "$NS" get secret unrelated
expect "NodeRestriction: a node may not label itself outside the kubelet's labels" 1 \
  "nodes \"$NODE\" is forbidden: is not allowed to modify labels: node-restriction.kubernetes.io/pool" -- \
  k "${AS_NODE[@]}" label node "$NODE" node-restriction.kubernetes.io/pool=a
# A PUT straight away: kubectl patch would GET the node first, which the Node authorizer refuses another node.
k get node "$NODE" -o json >"$DATA_DIR/72-node.json"
expect "NodeRestriction: a node may not modify another node" 1 \
  "nodes \"$NODE\" is forbidden: node \"other-node\" is not allowed to modify node \"$NODE\"" -- \
  k --as=system:node:other-node --as-group=system:nodes replace --raw "/api/v1/nodes/$NODE" -f "$DATA_DIR/72-node.json"
expect "the Node authorizer: another node may not read this node" 1 \
  "nodes \"$NODE\" is forbidden: User \"system:node:other-node\" cannot get resource \"nodes\" in API group \"\" at the cluster scope: node 'other-node' cannot read '$NODE', only its own Node object" -- \
  k --as=system:node:other-node --as-group=system:nodes get node "$NODE"
expect "the Node authorizer: pods only with the node's spec.nodeName selector" 1 'can only list/watch pods with spec.nodeName field selector' -- \
  k "${AS_NODE[@]}" get pods -A
expect "the Node authorizer: the node's own pods by selector" 0 'uses-secret' -- k "${AS_NODE[@]}" get pods -A --field-selector "spec.nodeName=$NODE"
expect "NodeRestriction: another node may not delete the pod" 1 \
  "pods \"uses-secret\" is forbidden: node \"other-node\" can only delete pods with spec.nodeName set to itself" -- \
  k --as=system:node:other-node --as-group=system:nodes -n "$NS" delete pod uses-secret --wait=false
k -n "$NS" delete pod uses-secret --grace-period=0 --force >/dev/null 2>&1

k delete ns "$NS" --wait=false >/dev/null
