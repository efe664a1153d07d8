# CustomResourceDefinitions with the real kubectl: a CRD with a structural schema (defaults, enum, bounds, pruning,
# CEL rules incl. a transition rule, compiled when the CRD is written),
# printer columns, status and scale subresources, short names and the `all` category, two versions (None conversion),
# served at once (discovery, OpenAPI for explain), custom resources validated with upstream's messages, scaled with
# `kubectl scale`, applied server-side, and deleted with their CRD (the customresourcecleanup finalizer).
cat > "$DATA_DIR/crd.yaml" <<YAML
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd], categories: [all]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
      scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas, labelSelectorPath: .status.selector}
    additionalPrinterColumns:
    - {name: Size, type: string, jsonPath: .spec.size, description: How big it is}
    - {name: Replicas, type: integer, jsonPath: .spec.replicas}
    - {name: Ready, type: string, jsonPath: '.status.conditions[?(@.type=="Ready")].status'}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
    schema:
      openAPIV3Schema:
        type: object
        description: A Widget is a thing with a size.
        properties:
          spec:
            type: object
            required: [size]
            x-kubernetes-validations:
            - {rule: 'self.replicas <= 5 || self.size == "large"', message: small widgets have at most 5 replicas}
            - {rule: 'self.size == oldSelf.size || oldSelf.size == "small"', message: a large widget stays large}
            properties:
              size: {type: string, enum: [small, large], description: The size of the widget.}
              replicas: {type: integer, minimum: 0, maximum: 10, default: 1}
              color: {type: string, default: blue, pattern: '^[a-z]+$'}
              port: {x-kubernetes-int-or-string: true}
          status:
            type: object
            properties:
              replicas: {type: integer}
              selector: {type: string}
              conditions:
                type: array
                items: {type: object, properties: {type: {type: string}, status: {type: string}}}
  - name: v1beta1
    served: true
    storage: false
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
YAML
expect "create the CRD" 0 'customresourcedefinition.apiextensions.k8s.io/widgets.example.com created' -- k apply -f "$DATA_DIR/crd.yaml"
expect "it is established" 0 'condition met' -- k wait --for condition=established --timeout=20s crd/widgets.example.com
expect "NamesAccepted True (NoConflicts)" 0 '^True NoConflicts$' -- k get crd widgets.example.com -o jsonpath='{.status.conditions[?(@.type=="NamesAccepted")].status} {.status.conditions[?(@.type=="NamesAccepted")].reason}'
expect "kubectl api-resources lists it with its short name" 0 'widgets +wd +example.com/v1 +true +Widget' -- k api-resources --api-group=example.com
expect "kubectl get crd (NAME, CREATED AT)" 0 'widgets.example.com +20[0-9]{2}-' -- k get crd
expect "an invalid CRD is refused" 1 'must be spec.names.plural\+"."\+spec.group' -- bash -c "sed 's/name: widgets.example.com/name: gadgets.example.com/' '$DATA_DIR/crd.yaml' | '$KCTL' --kubeconfig '$KC' --cache-dir '$CACHE_DIR' apply -f -"
expect "an update whose CEL rule names an undefined field is refused (compiled when written)" 1 'x-kubernetes-validations\[1\]\.rule: Invalid value: apiextensions\.ValidationRule\{Rule:"self\.sise == oldSelf\.size.*compilation failed: ERROR: <input>:1:5: undefined field .sise.' -- bash -c "sed 's/self.size == oldSelf.size/self.sise == oldSelf.size/' '$DATA_DIR/crd.yaml' | '$KCTL' --kubeconfig '$KC' --cache-dir '$CACHE_DIR' apply -f -"

k create ns "$NS" >/dev/null
cat > "$DATA_DIR/w1.yaml" <<YAML
apiVersion: example.com/v1
kind: Widget
metadata: {name: w1}
spec: {size: small, junk: dropped}
YAML
expect "fieldValidation Strict (kubectl's default) refuses an unknown field" 1 'strict decoding error: unknown field "spec.junk"' -- k -n "$NS" apply -f "$DATA_DIR/w1.yaml"
expect "with --validate=warn it is reported and pruned" 0 'Warning: unknown field "spec.junk"' -- k -n "$NS" apply --validate=warn -f "$DATA_DIR/w1.yaml"
expect "defaults applied, unknown field gone" 0 '^\{"color":"blue","replicas":1,"size":"small"\}$' -- k -n "$NS" get widget w1 -o jsonpath='{.spec}'
expect "enum and maximum refused with upstream's messages" 1 'spec.size: Unsupported value: "huge": supported values: "small", "large"' -- k -n "$NS" create -f - <<<'{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"bad"},"spec":{"size":"huge","replicas":11}}'
expect "a wrong type is a 422" 1 'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"' -- k -n "$NS" create -f - <<<'{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"bad"},"spec":{"size":"small","replicas":"two"}}'
expect "a CEL rule (x-kubernetes-validations)" 1 'spec: Invalid value: "object": small widgets have at most 5 replicas' -- k -n "$NS" create -f - <<<'{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"bad"},"spec":{"size":"small","replicas":7}}'
expect "a required field" 1 'spec.size: Required value' -- k -n "$NS" create -f - <<<'{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"bad"},"spec":{}}'
expect "printer columns" 0 'NAME +SIZE +REPLICAS +READY +AGE' -- k -n "$NS" get widgets
expect "printer column cells (blank for a missing value)" 0 'w1 +small +1 +[0-9]+s' -- k -n "$NS" get wd
expect "kubectl get all includes the category" 0 'widget.example.com/w1' -- k -n "$NS" get all
expect "kubectl explain from the OpenAPI schema" 0 'The size of the widget' -- k explain widgets.spec.size
expect "kubectl explain of the kind" 0 'A Widget is a thing with a size' -- k explain widget

# --- status and scale subresources
expect "status through /status" 0 'patched' -- k -n "$NS" patch widget w1 --subresource=status --type=merge -p '{"status":{"replicas":1,"selector":"app=w1","conditions":[{"type":"Ready","status":"True"}]}}'
expect "a main-resource write leaves status alone" 0 '^1$' -- bash -c "'$KCTL' --kubeconfig '$KC' --cache-dir '$CACHE_DIR' -n '$NS' patch widget w1 --type=merge -p '{\"status\":{\"replicas\":7}}' >/dev/null; '$KCTL' --kubeconfig '$KC' --cache-dir '$CACHE_DIR' -n '$NS' get widget w1 -o jsonpath='{.status.replicas}'"
expect "the Ready column" 0 'w1 +small +1 +True' -- k -n "$NS" get widgets
expect "kubectl scale" 0 'widget.example.com/w1 scaled' -- k -n "$NS" scale widget w1 --replicas=3
expect "spec.replicas follows the scale, generation moves" 0 '^3 2$' -- k -n "$NS" get widget w1 -o jsonpath='{.spec.replicas} {.metadata.generation}'
expect "the Scale reads status and the selector" 0 '"selector":"app=w1"' -- k get --raw "/apis/example.com/v1/namespaces/$NS/widgets/w1/scale"

# --- two versions, one storage
expect "the same object in v1beta1" 0 '^example.com/v1beta1 small$' -- k -n "$NS" get widgets.v1beta1.example.com w1 -o jsonpath='{.apiVersion} {.spec.size}'
expect "the preferred version is v1" 0 '"preferredVersion":\{"groupVersion":"example.com/v1"' -- k get --raw /apis/example.com

# --- server-side apply and watch
expect "server-side apply" 0 'widget.example.com/w2 serverside-applied' -- k -n "$NS" apply --server-side -f - <<<'{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w2","labels":{"tier":"a"}},"spec":{"size":"large","port":8080}}'
expect "a transition rule (oldSelf) on update" 1 'a large widget stays large' -- k -n "$NS" patch widget w2 --type=merge -p '{"spec":{"size":"small"}}'
expect "managedFields name the applier" 0 'kubectl' -- k -n "$NS" get widget w2 --show-managed-fields -o jsonpath='{.metadata.managedFields[*].manager}'
expect "label selectors" 0 '^w2$' -- k -n "$NS" get widgets -l tier=a -o jsonpath='{.items[*].metadata.name}'
expect "kubectl get --watch sees a change" 0 'w2 +large' -- bash -c "( sleep 1; '$KCTL' --kubeconfig '$KC' --cache-dir '$CACHE_DIR' -n '$NS' label widget w2 seen=yes >/dev/null ) & timeout 4 '$KCTL' --kubeconfig '$KC' --cache-dir '$CACHE_DIR' -n '$NS' get widgets --watch-only; true"

# --- deleting the CRD deletes its objects first
expect "delete the CRD" 0 'customresourcedefinition.apiextensions.k8s.io "widgets.example.com" deleted' -- k delete crd widgets.example.com --timeout=30s
expect "its objects are gone from storage and the kind from discovery" 1 "the server doesn't have a resource type \"widgets\"|the server could not find the requested resource" -- k -n "$NS" get widgets
expect "the group is gone from discovery" 1 'NotFound|not found' -- k get --raw /apis/example.com
