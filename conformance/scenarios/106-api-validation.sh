# Upstream's validation with the real kubectl for the kinds of issue 15's "rest of the default API": one refusal per
# group, worded as kube-apiserver words it, and the objects every cluster starts with (mandatory flow-control objects).
expect "networking: an ingress host may not be an IP" 1 'Ingress.networking.k8s.io "bad" is invalid: spec.rules\[0\].host: Invalid value: "1.2.3.4": must be a DNS name, not an IP address' -- \
  k -n default create ingress bad --rule='1.2.3.4/=web:80'
cat > "$DATA_DIR/bad.yaml" <<YAML
apiVersion: v1
kind: PersistentVolume
metadata: {name: local-pv}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  local: {path: /mnt/disk}
YAML
expect "core: a local PV needs node affinity" 1 'The PersistentVolume "local-pv" is invalid: spec.nodeAffinity: Required value: Local volume requires node affinity' -- k apply -f "$DATA_DIR/bad.yaml"
cat > "$DATA_DIR/bad.yaml" <<YAML
apiVersion: storage.k8s.io/v1
kind: VolumeAttachment
metadata: {name: va}
spec: {attacher: csi.example.com, nodeName: n1, source: {}}
YAML
expect "storage: a volume attachment needs one source" 1 'spec.source: Invalid value: .*must specify exactly one of inlineVolumeSpec and persistentVolumeName' -- k apply -f "$DATA_DIR/bad.yaml"
cat > "$DATA_DIR/bad.yaml" <<YAML
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: vw}
webhooks:
- name: check.example.com
  clientConfig: {url: "http://hook.example.com/check"}
  sideEffects: Unknown
  admissionReviewVersions: [v1]
YAML
expect "admissionregistration: webhooks need known side effects" 1 'webhooks\[0\].sideEffects: Unsupported value: "Unknown": supported values: "None", "NoneOnDryRun"' -- k apply -f "$DATA_DIR/bad.yaml"
expect "admissionregistration: webhooks need https" 1 "webhooks\[0\].clientConfig.url: Invalid value: \"http://hook.example.com/check\": 'https' is the only allowed URL scheme" -- k apply -f "$DATA_DIR/bad.yaml"
cat > "$DATA_DIR/bad.yaml" <<YAML
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: b}
spec: {policyName: p, validationActions: [Deny, Warn]}
YAML
expect "admissionregistration: Deny and Warn together" 1 'spec.validationActions: Invalid value: .*must not contain both Deny and Warn' -- k apply -f "$DATA_DIR/bad.yaml"
cat > "$DATA_DIR/bad.yaml" <<YAML
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1.wrong.example.com}
spec: {group: right.example.com, version: v1, groupPriorityMinimum: 100, versionPriority: 15}
YAML
expect "apiregistration: the name is version.group" 1 'metadata.name: Invalid value: "v1.wrong.example.com": must be `spec.version\+"."\+spec.group`: "v1.right.example.com"' -- k apply -f "$DATA_DIR/bad.yaml"
cat > "$DATA_DIR/bad.yaml" <<YAML
apiVersion: flowcontrol.apiserver.k8s.io/v1
kind: FlowSchema
metadata: {name: fs}
spec: {priorityLevelConfiguration: {name: catch-all}, matchingPrecedence: 20000}
YAML
expect "flowcontrol: precedence in range" 1 'spec.matchingPrecedence: Invalid value: 20000: must be between 1 and 10000, inclusive' -- k apply -f "$DATA_DIR/bad.yaml"
expect "networking: service CIDRs in canonical form" 1 'must be in canonical form \("10.1.0.0/16"\)' -- \
  bash -c 'printf "apiVersion: networking.k8s.io/v1\nkind: ServiceCIDR\nmetadata: {name: s}\nspec: {cidrs: [10.1.2.3/16]}\n" | "$0" --kubeconfig "$1" --cache-dir "$2" apply -f -' "$KCTL" "$KC" "$CACHE_DIR"
expect "mandatory flow schemas" 0 'catch-all +catch-all +10000 +ByUser .* False' -- k get flowschemas
expect "mandatory priority levels" 0 'catch-all +Limited +5 +<none> +<none> +<none>' -- k get prioritylevelconfigurations
expect "exempt priority level" 0 'exempt +Exempt +<none>' -- k get prioritylevelconfigurations
