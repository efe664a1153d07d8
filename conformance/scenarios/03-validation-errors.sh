# Validation and error messages as Kubernetes prints them.
k create ns "$NS" >/dev/null
cat > "$DATA_DIR/bad-pod.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: bad, namespace: $NS}
spec:
  containers:
  - name: main
YAML
expect "missing image is 422 Invalid" 1 'The Pod "bad" is invalid: spec.containers\[0\].image: Required value' -- k apply -f "$DATA_DIR/bad-pod.yaml"
cat > "$DATA_DIR/unknown.yaml" <<YAML
apiVersion: v1
kind: ConfigMap
metadata: {name: unk, namespace: $NS}
data: {a: "1"}
dta: {b: "2"}
YAML
expect "unknown field rejected by strict validation" 1 'unknown field "dta"' -- k apply -f "$DATA_DIR/unknown.yaml"
expect "unknown field ignored with --validate=false" 0 'configmap/unk created' -- k apply --validate=false -f "$DATA_DIR/unknown.yaml"
cat > "$DATA_DIR/rs.yaml" <<YAML
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: rs1, namespace: $NS}
spec:
  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: a}}
    spec: {containers: [{name: c, image: busybox}]}
YAML
k apply -f "$DATA_DIR/rs.yaml" >/dev/null
sed -i 's/app: a}/app: b}/g' "$DATA_DIR/rs.yaml"
expect "replicaset selector is immutable" 1 'field is immutable' -- k apply -f "$DATA_DIR/rs.yaml"
expect "bad name" 1 'metadata.name: Invalid value: "Bad_Name"' -- k -n "$NS" create configmap Bad_Name
expect "create in a missing namespace" 1 'namespaces "nope-ns" not found' -- k -n nope-ns create configmap x
k -n "$NS" create deployment d --image=busybox --dry-run=client -o yaml > "$DATA_DIR/d.yaml"
sed -i '0,/      app: d/s//      app: other/' "$DATA_DIR/d.yaml"
expect "selector mismatch on a deployment" 1 'does not match template' -- k apply -f "$DATA_DIR/d.yaml"
