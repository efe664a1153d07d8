# Server-side apply with the real kubectl: upsert, changes, pruning, conflicts between field managers,
# --force-conflicts, the client-side → server-side migration, and managedFields in the output.
k create ns "$NS" >/dev/null

cat > "$DATA_DIR/ssa.yaml" <<YAML
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ssa
  namespace: $NS
  labels: {app: ssa, tier: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: ssa}}
  template:
    metadata: {labels: {app: ssa}}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        ports: [{containerPort: 80}]
        env: [{name: A, value: "1"}, {name: B, value: "2"}]
YAML
expect "apply --server-side creates" 0 'deployment.apps/ssa serverside-applied' -- k apply --server-side -f "$DATA_DIR/ssa.yaml"
sed -i 's/replicas: 2/replicas: 3/' "$DATA_DIR/ssa.yaml"
expect "second apply --server-side" 0 'deployment.apps/ssa serverside-applied' -- k apply --server-side -f "$DATA_DIR/ssa.yaml"
expect "changed field stored" 0 '^3$' -- k -n "$NS" get deploy ssa -o 'jsonpath={.spec.replicas}'

# A field dropped from the manifest is removed (env B, label tier).
sed -i 's/, {name: B, value: "2"}//; s/labels: {app: ssa, tier: web}/labels: {app: ssa}/' "$DATA_DIR/ssa.yaml"
expect "apply without a field" 0 'serverside-applied' -- k apply --server-side -f "$DATA_DIR/ssa.yaml"
expect "dropped fields removed" 0 '^A \| \{"app":"ssa"\}$' -- k -n "$NS" get deploy ssa -o 'jsonpath={.spec.template.spec.containers[0].env[*].name} | {.metadata.labels}'

# Two field managers on one field.
cat > "$DATA_DIR/cm-a.yaml" <<YAML
apiVersion: v1
kind: ConfigMap
metadata: {name: shared, namespace: $NS}
data: {key: from-a}
YAML
sed 's/from-a/from-b/' "$DATA_DIR/cm-a.yaml" > "$DATA_DIR/cm-b.yaml"
expect "manager a applies" 0 'configmap/shared serverside-applied' -- k apply --server-side --field-manager=a -f "$DATA_DIR/cm-a.yaml"
expect "manager b conflicts" 1 'Apply failed with 1 conflict: conflict with "a": \.data\.key' -- k apply --server-side --field-manager=b -f "$DATA_DIR/cm-b.yaml"
expect "conflict left the value" 0 '^from-a$' -- k -n "$NS" get cm shared -o 'jsonpath={.data.key}'
expect "--force-conflicts takes over" 0 'configmap/shared serverside-applied' -- k apply --server-side --field-manager=b --force-conflicts -f "$DATA_DIR/cm-b.yaml"
expect "forced value stored" 0 '^from-b$' -- k -n "$NS" get cm shared -o 'jsonpath={.data.key}'
expect "b owns the field now" 0 '^b Apply$' -- k -n "$NS" get cm shared --show-managed-fields -o 'jsonpath={.metadata.managedFields[*].manager} {.metadata.managedFields[*].operation}'

# Client-side apply first, then server-side with a field removed: migrated, no conflict, field removed.
cat > "$DATA_DIR/mig.yaml" <<YAML
apiVersion: v1
kind: ConfigMap
metadata: {name: mig, namespace: $NS}
data: {keep: "1", drop: "2"}
YAML
expect "client-side apply" 0 'configmap/mig created' -- k apply -f "$DATA_DIR/mig.yaml"
sed -i 's/, drop: "2"//' "$DATA_DIR/mig.yaml"
expect "server-side apply after client-side" 0 'configmap/mig serverside-applied' -- k apply --server-side -f "$DATA_DIR/mig.yaml"
expect "migrated apply removed the field" 0 '^\{"keep":"1"\}$' -- k -n "$NS" get cm mig -o 'jsonpath={.data}'

expect "get --show-managed-fields shows entries" 0 'manager: kubectl' -- k -n "$NS" get deploy ssa -o yaml --show-managed-fields
expect "entries carry fieldsV1" 0 'f:replicas: \{\}' -- k -n "$NS" get deploy ssa -o yaml --show-managed-fields
expect "managed fields hidden by default" 0 '^ok$' -- bash -c "'$KCTL' --kubeconfig '$KC' --cache-dir '$CACHE_DIR' -n '$NS' get deploy ssa -o yaml | grep -q managedFields && echo leaked || echo ok"
