# Create, get in every output, apply twice, replace, patch (three types), label, annotate, scale, delete.
k create ns "$NS" >/dev/null
expect "create configmap (protobuf from 1.32+)" 0 "configmap/demo created" -- k -n "$NS" create configmap demo --from-literal=a=1 --from-literal=b=2
expect "get configmap table" 0 'demo +2 ' -- k -n "$NS" get cm demo
expect "get -o yaml" 0 'a: "1"' -- k -n "$NS" get cm demo -o yaml
expect "get -o json" 0 '"kind": "ConfigMap"' -- k -n "$NS" get cm demo -o json
expect "get -o name" 0 '^configmap/demo$' -- k -n "$NS" get cm demo -o name
expect "jsonpath" 0 '^1$' -- k -n "$NS" get cm demo -o 'jsonpath={.data.a}'
expect "already exists" 1 'configmaps "demo" already exists' -- k -n "$NS" create configmap demo
k -n "$NS" get cm demo -o yaml > "$DATA_DIR/demo-copy.yaml"
expect "already exists from a file" 1 'Error from server \(AlreadyExists\): error when creating ".*demo-copy.yaml": configmaps "demo" already exists' -- k create -f "$DATA_DIR/demo-copy.yaml"
expect "not found" 1 'Error from server \(NotFound\): configmaps "nope" not found' -- k -n "$NS" get cm nope

cat > "$DATA_DIR/web.yaml" <<YAML
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: $NS
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        ports: [{containerPort: 80}]
        env: [{name: A, value: "1"}]
YAML
expect "apply creates" 0 'deployment.apps/web created' -- k apply -f "$DATA_DIR/web.yaml"
expect "apply again is unchanged" 0 'deployment.apps/web unchanged' -- k apply -f "$DATA_DIR/web.yaml"
sed -i 's/replicas: 2/replicas: 3/; s/nginx:1.25/nginx:1.27/' "$DATA_DIR/web.yaml"
expect "apply a change configures" 0 'deployment.apps/web configured' -- k apply -f "$DATA_DIR/web.yaml"
expect "applied change is stored" 0 '^3 nginx:1.27 80$' -- k -n "$NS" get deploy web -o 'jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].ports[0].containerPort}'
expect "generation moved with spec" 0 '^2$' -- k -n "$NS" get deploy web -o 'jsonpath={.metadata.generation}'
expect "set image (strategic merge by name)" 0 'deployment.apps/web image updated' -- k -n "$NS" set image deployment/web web=nginx:1.28
expect "set image kept other container fields" 0 '^nginx:1.28 A 80$' -- k -n "$NS" get deploy web -o 'jsonpath={.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].env[0].name} {.spec.template.spec.containers[0].ports[0].containerPort}'
expect "scale" 0 'deployment.apps/web scaled' -- k -n "$NS" scale deploy web --replicas=5
expect "scale --current-replicas mismatch" 1 'Expected replicas to be 4, was 5' -- k -n "$NS" scale deploy web --current-replicas=4 --replicas=1
expect "label" 0 'deployment.apps/web labeled' -- k -n "$NS" label deploy web tier=fe
expect "label selector" 0 '^web$' -- k -n "$NS" get deploy -l 'tier in (fe,be),app' -o 'jsonpath={.items[*].metadata.name}'
expect "label removal" 0 'deployment.apps/web unlabeled' -- k -n "$NS" label deploy web tier-
expect "annotate" 0 'deployment.apps/web annotated' -- k -n "$NS" annotate deploy web note=hello
expect "patch merge" 0 'patched' -- k -n "$NS" patch deploy web --type=merge -p '{"metadata":{"labels":{"m":"1"}}}'
expect "patch json" 0 'patched' -- k -n "$NS" patch deploy web --type=json -p '[{"op":"replace","path":"/spec/replicas","value":2}]'
expect "patch strategic" 0 'patched' -- k -n "$NS" patch deploy web -p '{"spec":{"template":{"spec":{"containers":[{"name":"side","image":"busybox"}]}}}}'
expect "strategic patch added a container by name" 0 '^side web$' -- k -n "$NS" get deploy web -o 'jsonpath={.spec.template.spec.containers[*].name}'
expect "json patch test failure is 422" 1 'The request is invalid: the server rejected our request' -- k -n "$NS" patch deploy web --type=json -p '[{"op":"test","path":"/spec/replicas","value":99}]'
expect "field selector" 0 '^demo$' -- k -n "$NS" get cm --field-selector metadata.name=demo -o 'jsonpath={.items[*].metadata.name}'
expect "bad field selector" 1 '"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"' -- k -n "$NS" get cm --field-selector spec.foo=bar
for i in 1 2 3 4 5; do k -n "$NS" create configmap "c$i" --from-literal=x=$i >/dev/null; done
expect "chunked list" 0 'c5' -- k -n "$NS" get cm --chunk-size=2
k -n "$NS" get cm demo -o yaml > "$DATA_DIR/demo.yaml"
expect "replace with current resourceVersion" 0 'configmap/demo replaced' -- k replace -f "$DATA_DIR/demo.yaml"
k -n "$NS" label cm demo touched=yes >/dev/null
expect "replace with stale resourceVersion conflicts" 1 'Error from server \(Conflict\)' -- k replace -f "$DATA_DIR/demo.yaml"
expect "wide output" 0 'CONTAINERS +IMAGES +SELECTOR' -- k -n "$NS" get deploy -o wide
expect "all namespaces" 0 "$NS +web" -- k get deploy -A
expect "show labels" 0 'app=web' -- k -n "$NS" get deploy --show-labels
expect "delete" 0 'configmap "demo" deleted' -- k -n "$NS" delete cm demo
expect "delete missing" 1 'Error from server \(NotFound\): configmaps "demo" not found' -- k -n "$NS" delete cm demo
expect "dry-run create stores nothing" 0 'created \(server dry run\)' -- k -n "$NS" create configmap dry --from-literal=a=1 --dry-run=server
expect "dry-run left nothing" 1 'not found' -- k -n "$NS" get cm dry
expect "create deployment (protobuf from 1.32+)" 0 'deployment.apps/d2 created' -- k -n "$NS" create deployment d2 --image=busybox --replicas=2 --port=80 -- sleep 100
expect "protobuf deployment decoded whole" 0 '^2 busybox 80 sleep 100$' -- k -n "$NS" get deploy d2 -o 'jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].ports[0].containerPort} {.spec.template.spec.containers[0].command[*]}'
expect "create secret (protobuf from 1.32+)" 0 'secret/s1 created' -- k -n "$NS" create secret generic s1 --from-literal=pw=hunter2
expect "secret data is base64" 0 '^aHVudGVyMg==$' -- k -n "$NS" get secret s1 -o 'jsonpath={.data.pw}'
expect "secrets by type field selector" 0 '^s1$' -- k -n "$NS" get secrets --field-selector type=Opaque -o 'jsonpath={.items[*].metadata.name}'
# Responses in protobuf, as kubectl 1.32+'s typed clients ask for them (describe, events): the object and lists of
# other kinds (ReplicaSetList, EventList), every built-in kind from the one wire schema; 1.29 reads the same as JSON.
expect "describe a deployment (its ReplicaSets and Events)" 0 'Replicas: +2 desired' -- k -n "$NS" describe deploy d2
expect "describe a secret" 0 'pw: +7 bytes' -- k -n "$NS" describe secret s1
eventually "events of a deployment (an EventList)" 20 'ScalingReplicaSet' -- k -n "$NS" events --for deployment/d2
if [ "$(printf '%s\n' "$KVER" 1.32 | sort -V | head -1)" = 1.32 ]; then
  expect "…the ReplicaSetList came as protobuf" 0 '\.ReplicaSetList\.' -- k -v=8 -n "$NS" describe deploy d2
fi
cat > "$DATA_DIR/warn.yaml" <<YAML
apiVersion: v1
kind: ConfigMap
metadata: {name: warned, namespace: $NS}
data: {a: "1"}
extra: true
YAML
expect "unknown field with --validate=warn is a warning" 0 'Warning: unknown field "extra"' -- k apply --validate=warn -f "$DATA_DIR/warn.yaml"
expect "get all lists the category" 0 'deployment.apps/web' -- k -n "$NS" get all
# A Namespace's status subresource (upstream's "should apply changes to a namespace status"): the annotation and the
# condition are kept, the phase may not claim a deletion that is not happening.
NS_COND='{"type":"StatusPatch","status":"True","reason":"E2E","message":"Patched by an e2e test"}'
expect "patch a namespace's status" 0 "namespace/$NS patched" -- k patch ns "$NS" --subresource=status --type=merge -p "{\"metadata\":{\"annotations\":{\"e2e-patched-ns-status\":\"$NS\"}},\"status\":{\"conditions\":[$NS_COND]}}"
expect "…the annotation and the condition are there, still Active" 0 "^$NS StatusPatch=True Active\$" -- k get ns "$NS" -o 'jsonpath={.metadata.annotations.e2e-patched-ns-status} {.status.conditions[0].type}={.status.conditions[0].status} {.status.phase}'
expect "Terminating without a deletion is refused" 1 "status.Phase: Invalid value: \"Terminating\": may only be 'Active' if \`deletionTimestamp\` is empty" -- k patch ns "$NS" --subresource=status --type=merge -p '{"status":{"phase":"Terminating"}}'
