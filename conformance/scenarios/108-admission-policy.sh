# ValidatingAdmissionPolicy with kubectl: a policy refusing Deployments with more replicas than a ConfigMap's limit
# (paramKind/paramRef, a variable, messageExpression), bound to one namespace by a label, enforced on create, patch and
# server-side dry runs and following the ConfigMap when it changes; a missing param with parameterNotFoundAction Deny
# refuses everything; a second policy bound with the Warn action only warns, in upstream's words; policies' status
# carries the type check of their expressions (a misspelt field warned about until fixed). No pod is started.
k create ns "$NS" >/dev/null
k label ns "$NS" vap-test=on >/dev/null

cat >"$DATA_DIR/policy.yaml" <<YAML
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: max-replicas}
spec:
  failurePolicy: Fail
  paramKind: {apiVersion: v1, kind: ConfigMap}
  matchConstraints:
    resourceRules:
    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}
  variables:
  - {name: limit, expression: "int(params.data.maxReplicas)"}
  validations:
  - expression: "object.spec.replicas <= variables.limit"
    messageExpression: "'replicas ' + string(object.spec.replicas) + ' exceeds the limit of ' + string(variables.limit)"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: max-replicas-binding}
spec:
  policyName: max-replicas
  validationActions: [Deny]
  paramRef: {name: replica-limits, namespace: $NS, parameterNotFoundAction: Deny}
  matchResources:
    namespaceSelector: {matchLabels: {vap-test: "on"}}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: require-team-label}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
  validations:
  - {expression: "'team' in object.metadata.?labels.orValue({})", message: "every deployment needs a team label"}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: require-team-label-binding}
spec:
  policyName: require-team-label
  validationActions: [Warn]
YAML
expect "the params ConfigMap" 0 'configmap/replica-limits created' -- k -n "$NS" create configmap replica-limits --from-literal=maxReplicas=3
expect "policies and bindings created" 0 'validatingadmissionpolicybinding.admissionregistration.k8s.io/require-team-label-binding created' -- \
  k apply -f "$DATA_DIR/policy.yaml"
expect "kubectl get validatingadmissionpolicybindings: POLICYNAME, PARAMREF" 0 "max-replicas-binding +max-replicas +$NS/replica-limits " -- k get validatingadmissionpolicybindings

DENIED="ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-binding' denied request"
expect "a Deployment over the limit is refused" 1 "deployments.apps \"web\" is forbidden: $DENIED: replicas 5 exceeds the limit of 3" -- \
  k -n "$NS" create deployment web --image=dockube/busybox:test --replicas=5
expect "nothing was created" 1 'NotFound|not found' -- k -n "$NS" get deployment web
expect "under the limit it is created, with the Warn binding's warning" 0 \
  "Warning: Validation failed for ValidatingAdmissionPolicy 'require-team-label' with binding 'require-team-label-binding': every deployment needs a team label" -- \
  k -n "$NS" create deployment web --image=dockube/busybox:test --replicas=0
expect "the Warn policy lets it through" 0 '^0$' -- k -n "$NS" get deployment web -o jsonpath='{.spec.replicas}'
expect "a patch over the limit is refused" 1 "$DENIED: replicas 4 exceeds the limit of 3" -- \
  k -n "$NS" patch deployment web -p '{"spec":{"replicas":4}}'
expect "a server-side dry run is judged too" 1 "$DENIED: replicas 9 exceeds" -- \
  k -n "$NS" patch deployment web -p '{"spec":{"replicas":9}}' --dry-run=server
expect "a patch within the limit passes" 0 'deployment.apps/web patched' -- k -n "$NS" patch deployment web -p '{"spec":{"replicas":3}}' --dry-run=server

expect "the limit is raised in the ConfigMap" 0 'patched' -- k -n "$NS" patch configmap replica-limits -p '{"data":{"maxReplicas":"10"}}'
expect "the new limit applies at once" 0 'deployment.apps/web patched' -- k -n "$NS" patch deployment web -p '{"spec":{"replicas":4}}' --dry-run=server
expect "(dry runs: still no replicas)" 0 '^0$' -- k -n "$NS" get deployment web -o jsonpath='{.spec.replicas}'
expect "a labelled Deployment draws no warning" 0 '^deployment.apps/labelled created$' -- \
  k -n "$NS" create -f - <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: labelled, labels: {team: a}}
spec:
  replicas: 0
  selector: {matchLabels: {app: labelled}}
  template:
    metadata: {labels: {app: labelled}}
    spec: {containers: [{name: main, image: dockube/busybox:test}]}
YAML

k create ns "$NS-other" >/dev/null
expect "outside the bound namespace nothing is enforced" 0 'created' -- k -n "$NS-other" create deployment big --image=dockube/busybox:test --replicas=0 --dry-run=server
expect "without its param the binding refuses (parameterNotFoundAction Deny)" 0 'deleted' -- k -n "$NS" delete configmap replica-limits
expect "refused: no params found" 1 "$DENIED: failed to configure binding: no params found for policy binding with \`Deny\` parameterNotFoundAction" -- \
  k -n "$NS" create deployment again --image=dockube/busybox:test --replicas=0
expect "the binding removed, writes pass again" 0 'deleted' -- k delete validatingadmissionpolicybinding max-replicas-binding
expect "a Deployment is created again" 0 'deployment.apps/again created' -- k -n "$NS" create deployment again --image=dockube/busybox:test --replicas=0

# status, as kube-controller-manager's validatingadmissionpolicy-status controller writes it: each generation's type
# check of the validations against the schemas of the kinds the policy matches.
eventually "a policy's status: generation 1 observed, type check clean" 20 '^1 \{\}$' -- \
  k get validatingadmissionpolicy max-replicas -o jsonpath='{.status.observedGeneration} {.status.typeChecking}'
expect "a policy with a misspelt field" 0 'validatingadmissionpolicy.admissionregistration.k8s.io/typo created' -- k create -f - <<'YAML'
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: typo}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments, replicasets]}
  validations:
  - expression: "object.spec.replicass <= 5"
YAML
TYPO_WARNINGS='{range .status.typeChecking.expressionWarnings[*]}{.fieldRef}: {.warning}{end}'
eventually "its status warns, upstream's framing per kind" 20 "^spec.validations\[0\].expression: apps/v1, Kind=Deployment: ERROR: <input>:1:12: undefined field 'replicass'" -- \
  k get validatingadmissionpolicy typo -o jsonpath="$TYPO_WARNINGS"
expect "(and for ReplicaSets)" 0 "^apps/v1, Kind=ReplicaSet: ERROR: <input>:1:12: undefined field 'replicass'" -- \
  k get validatingadmissionpolicy typo -o jsonpath="$TYPO_WARNINGS"
expect "the expression fixed" 0 'patched' -- k patch validatingadmissionpolicy typo --type=json \
  -p '[{"op":"replace","path":"/spec/validations/0/expression","value":"object.spec.replicas <= 5"}]'
eventually "generation 2 observed, no warning" 20 '^2 \{\}$' -- \
  k get validatingadmissionpolicy typo -o jsonpath='{.status.observedGeneration} {.status.typeChecking}'
k delete validatingadmissionpolicy typo >/dev/null 2>&1
k delete ns "$NS-other" --wait=false >/dev/null 2>&1
k delete -f "$DATA_DIR/policy.yaml" --ignore-not-found >/dev/null 2>&1
