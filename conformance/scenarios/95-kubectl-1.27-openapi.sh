# kubectl-extra: 1.27
# kubectl 1.27 and 1.28 fetch /openapi/v2 as gnostic protobuf (application/com.github.proto-openapi.spec.v2@v1.0+protobuf)
# for client-side validation and explain: apply, create and explain work without --validate=false, and validation
# still catches a field that no schema has.
k create ns "$NS" >/dev/null
cat >"$CACHE_DIR/deploy95.yaml" <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: $NS}
spec:
  replicas: 0
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - {name: web, image: dockube/busybox:test, ports: [{containerPort: 80}]}
YAML
APPLY95="$(k apply -f "$CACHE_DIR/deploy95.yaml" -v=8 2>&1)"
expect "apply validates against the protobuf document" 0 'deployment.apps/web created' -- printf '%s\n' "$APPLY95"
# Only 1.27 and 1.28 validate from /openapi/v2; later kubectls validate from /openapi/v3 (or the server's fieldValidation).
# kubectl -v=8 prints the response headers in Go's map order: the whole exchange is searched, up to the next request
# (12 lines after the GET missed Content-Type once in CI).
case "$KVER" in
1.27 | 1.28)
  expect "... fetched as gnostic protobuf" 0 'Content-Type: application/com.github.proto-openapi.spec.v2.v1.0\+protobuf' -- \
    awk '/GET https:\/\/[^ ]*\/openapi\/v2/ {on = 1; print; next} on && /GET https:/ {on = 0} on' <<<"$APPLY95"
  ;;
esac
expect "apply again (a patch from the same schema)" 0 'deployment.apps/web (unchanged|configured)' -- k apply -f "$CACHE_DIR/deploy95.yaml"
expect "create a configmap" 0 'configmap/c created' -- k -n "$NS" create configmap c --from-literal=a=b
expect "explain a field" 0 'containerPort' -- k explain deployment.spec.template.spec.containers.ports
expect "explain --recursive" 0 'matchLabels' -- k explain deployment.spec.selector --recursive
sed 's/replicas: 0/replicas: 0\n  bogusField: 1/' "$CACHE_DIR/deploy95.yaml" >"$CACHE_DIR/bad95.yaml"
expect "an unknown field is still refused" 1 'bogusField' -- k apply -f "$CACHE_DIR/bad95.yaml"
# Kinds without PATCH (the reviews) are validated from the protobuf v2 by every kubectl, 1.33 too.
printf 'apiVersion: authorization.k8s.io/v1\nkind: SubjectAccessReview\nspec: {user: alice, resourceAttributes: {verb: get, resource: pods, namespace: default}}\n' >"$CACHE_DIR/sar95.yaml"
expect "a SubjectAccessReview without --validate=false" 0 'kind: SubjectAccessReview' -- k create -f "$CACHE_DIR/sar95.yaml" -o yaml
