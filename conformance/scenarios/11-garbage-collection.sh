# Deletion with the real kubectl: --cascade background / foreground / orphan over ownerReferences, a custom
# finalizer removed by a JSON patch, and a forced pod deletion.
k create ns "$NS" >/dev/null

# owner_with_dependents OWNER DEP...: a ConfigMap owner and ConfigMaps that name it (blockOwnerDeletion: true).
owner_with_dependents() {
  local owner="$1"; shift
  k -n "$NS" create configmap "$owner" >/dev/null
  local uid; uid="$(k -n "$NS" get cm "$owner" -o 'jsonpath={.metadata.uid}')"
  for d in "$@"; do
    k -n "$NS" create -f - >/dev/null <<YAML
apiVersion: v1
kind: ConfigMap
metadata:
  name: $d
  ownerReferences:
  - {apiVersion: v1, kind: ConfigMap, name: $owner, uid: $uid, blockOwnerDeletion: true}
YAML
  done
}

# --cascade=background: the owner goes at once, the garbage collector takes the dependents.
owner_with_dependents bg bg-a bg-b
expect "delete --cascade=background" 0 'configmap "bg" deleted' -- k -n "$NS" delete cm bg --cascade=background
eventually "background: dependents collected" 10 '^$' -- k -n "$NS" get cm bg-a bg-b --ignore-not-found -o name

# --cascade=foreground: one dependent holds a finalizer, so the owner is caught waiting with foregroundDeletion.
owner_with_dependents fg fg-a fg-held
expect "hold a dependent with a finalizer" 0 'configmap/fg-held patched' -- k -n "$NS" patch cm fg-held --type=merge -p '{"metadata":{"finalizers":["example.com/hold"]}}'
expect "delete --cascade=foreground --wait=false" 0 'configmap "fg" deleted' -- k -n "$NS" delete cm fg --cascade=foreground --wait=false
expect "owner shows the foregroundDeletion finalizer" 0 '- foregroundDeletion' -- k -n "$NS" get cm fg -o yaml
eventually "foreground: free dependent collected" 10 '^$' -- k -n "$NS" get cm fg-a --ignore-not-found
eventually "foreground: held dependent terminating" 10 '[0-9]{4}-' -- k -n "$NS" get cm fg-held -o 'jsonpath={.metadata.deletionTimestamp}'
expect "owner still waits for the held dependent" 0 '^fg$' -- k -n "$NS" get cm fg -o 'jsonpath={.metadata.name}'
expect "release the held dependent (json patch)" 0 'configmap/fg-held patched' -- k -n "$NS" patch cm fg-held --type=json -p '[{"op":"remove","path":"/metadata/finalizers"}]'
eventually "foreground: owner gone after its dependents" 10 '^$' -- k -n "$NS" get cm fg fg-held --ignore-not-found

# --cascade=orphan: dependents stay without their ownerReferences.
owner_with_dependents or or-a or-b
expect "delete --cascade=orphan" 0 'configmap "or" deleted' -- k -n "$NS" delete cm or --cascade=orphan
expect "orphan: owner gone" 1 'NotFound' -- k -n "$NS" get cm or
expect "orphan: dependents kept" 0 'or-a.*or-b|or-b.*or-a' -- k -n "$NS" get cm or-a or-b -o 'jsonpath={.items[*].metadata.name}'
expect "orphan: ownerReferences removed" 0 '^\[?\]?$' -- k -n "$NS" get cm or-a or-b -o 'jsonpath={.items[*].metadata.ownerReferences}'

# A custom finalizer keeps a deleted object until a JSON patch removes it.
k -n "$NS" create -f - >/dev/null <<YAML
apiVersion: v1
kind: ConfigMap
metadata: {name: held, finalizers: [example.com/cleanup]}
YAML
expect "delete an object with a finalizer" 0 'configmap "held" deleted' -- k -n "$NS" delete cm held --wait=false
expect "still there, terminating" 0 'deletionTimestamp' -- k -n "$NS" get cm held -o yaml
expect "a new finalizer is refused while terminating" 1 'no new finalizers can be added if the object is being deleted' -- k -n "$NS" patch cm held --type=merge -p '{"metadata":{"finalizers":["example.com/cleanup","example.com/late"]}}'
expect "remove the finalizer (json patch)" 0 'configmap/held patched' -- k -n "$NS" patch cm held --type=json -p '[{"op":"remove","path":"/metadata/finalizers/0"}]'
expect "gone once the finalizer is gone" 1 'NotFound' -- k -n "$NS" get cm held

# A forced deletion of a pod with grace 0 removes it at once.
expect "create a pod" 0 'pod/doomed created' -- k -n "$NS" run doomed --image=dockube/busybox:test --restart=Never -- sleep 3600
expect "delete --grace-period=0 --force" 0 'pod "doomed" force deleted' -- k -n "$NS" delete pod doomed --grace-period=0 --force
expect "forced pod is gone" 1 'NotFound' -- k -n "$NS" get pod doomed
