# Custom resources through the shared machinery, with the real kubectl: a cluster-scoped CRD, a name conflict
# (NamesAccepted False, KindConflict; Established False, NotAccepted), finalizers, garbage collection of a ConfigMap
# owned by a custom resource, namespace deletion removing custom resources, RBAC on a custom resource, field
# selectors from selectableFields.
crd() { # crd NAME PLURAL KIND SCOPE [extra version lines]
  cat <<YAML
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: $1}
spec:
  group: example.org
  scope: $4
  names: {plural: $2, singular: ${2%s}, kind: $3}
  versions:
  - name: v1
    served: true
    storage: true
    selectableFields: [{jsonPath: .spec.color}]
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, properties: {color: {type: string}}}
YAML
}
expect "a cluster-scoped and a namespaced CRD" 0 'pets.example.org created' -- bash -c "{ $(declare -f crd); crd things.example.org things Thing Cluster; echo ---; crd pets.example.org pets Pet Namespaced; } | '$KCTL' --kubeconfig '$KC' --cache-dir '$CACHE_DIR' apply -f -"
expect "both established" 0 'condition met' -- k wait --for condition=established --timeout=20s crd/things.example.org crd/pets.example.org
expect "a cluster-scoped custom resource" 0 'thing.example.org/t1 created' -- k create -f - <<<'{"apiVersion":"example.org/v1","kind":"Thing","metadata":{"name":"t1"},"spec":{"color":"red"}}'
expect "listed without a namespace" 0 '^t1$' -- k get things -o jsonpath='{.items[*].metadata.name}'
expect "a second CRD with a kind already in use" 0 'others.example.org created' -- bash -c "{ $(declare -f crd); crd others.example.org others Thing Cluster; } | '$KCTL' --kubeconfig '$KC' --cache-dir '$CACHE_DIR' apply -f -"
eventually "NamesAccepted False (KindConflict), Established False (NotAccepted)" 10 '^False KindConflict "Thing" is already in use False NotAccepted$' -- k get crd others.example.org -o jsonpath='{.status.conditions[?(@.type=="NamesAccepted")].status} {.status.conditions[?(@.type=="NamesAccepted")].reason} {.status.conditions[?(@.type=="NamesAccepted")].message} {.status.conditions[?(@.type=="Established")].status} {.status.conditions[?(@.type=="Established")].reason}'
expect "the conflicting kind is not served" 1 'NotFound|not found' -- k get --raw /apis/example.org/v1/others

k create ns "$NS" >/dev/null
pet() { printf '{"apiVersion":"example.org/v1","kind":"Pet","metadata":{"name":"%s"%s},"spec":{"color":"%s"}}' "$1" "${3:-}" "$2"; }
expect "pets with a finalizer" 0 'pet.example.org/p1 created' -- k -n "$NS" create -f - <<<"$(pet p1 brown ',"finalizers":["example.org/hold"]')"
k -n "$NS" create -f - <<<"$(pet p2 black)" >/dev/null
expect "field selector on a selectable field" 0 '^p2$' -- k -n "$NS" get pets --field-selector spec.color=black -o jsonpath='{.items[*].metadata.name}'
expect "an unknown field selector is refused" 1 'field label not supported: spec.size' -- k -n "$NS" get pets --field-selector spec.size=1
expect "delete waits on the finalizer" 0 'deleted' -- k -n "$NS" delete pet p1 --wait=false
expect "deletionTimestamp set, object kept" 0 '^20[0-9-]+T' -- k -n "$NS" get pet p1 -o jsonpath='{.metadata.deletionTimestamp}'
expect "removing the finalizer completes the deletion" 0 'patched' -- k -n "$NS" patch pet p1 --type=json -p '[{"op":"remove","path":"/metadata/finalizers"}]'
eventually "p1 is gone" 10 'NotFound' -- k -n "$NS" get pet p1

# --- garbage collection: a ConfigMap owned by p2 goes with it
uid="$(k -n "$NS" get pet p2 -o jsonpath='{.metadata.uid}')"
expect "a ConfigMap owned by a Pet" 0 'configmap/owned created' -- k -n "$NS" create -f - <<<"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"owned\",\"ownerReferences\":[{\"apiVersion\":\"example.org/v1\",\"kind\":\"Pet\",\"name\":\"p2\",\"uid\":\"$uid\"}]}}"
expect "delete the owner" 0 'deleted' -- k -n "$NS" delete pet p2
eventually "the garbage collector deletes the dependent" 40 'NotFound' -- k -n "$NS" get configmap owned

# --- RBAC on a custom resource
k -n "$NS" create -f - <<<"$(pet p3 white)" >/dev/null
expect "a Role on pets" 0 'role.rbac.authorization.k8s.io/pet-reader created' -- k -n "$NS" create role pet-reader --verb=get,list --resource=pets.example.org
k -n "$NS" create rolebinding pet-reader --role=pet-reader --user=bob >/dev/null
expect "bob may list pets" 0 '^yes$' -- k -n "$NS" auth can-i list pets.example.org --as=bob
expect "bob reads them" 0 '^p3$' -- k -n "$NS" get pets --as=bob -o jsonpath='{.items[*].metadata.name}'
expect "bob may not create one" 1 'pets.example.org is forbidden: User "bob" cannot create resource "pets" in API group "example.org"' -- k -n "$NS" create --as=bob -f - <<<"$(pet p4 grey)"

# --- namespace deletion removes custom resources
expect "delete the namespace" 0 'deleted' -- k delete ns "$NS" --timeout=40s
expect "its pets are gone" 1 'NotFound|No resources' -- k -n "$NS" get pet p3
expect "delete the CRDs" 0 'deleted' -- k delete crd things.example.org pets.example.org others.example.org --timeout=30s
