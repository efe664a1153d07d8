# kube-apiserver 1.33's default resources with the real kubectl: `kubectl api-resources` against the fixture (every
# resource but exactly the not-yet-served ones, with upstream's short names, versions, scope and kinds); one object of
# each kind added by issue 15's "rest of the default API" applied from one manifest and printed with kubectl's columns;
# the static PersistentVolume bound to a claim and Released when it goes.
k create ns "$NS" >/dev/null
expect "api-resources matches kube-apiserver 1.33's default list" 0 'upstream resources served as upstream prints them' -- \
  bash -c "\"\$0\" --kubeconfig \"$KC\" --cache-dir \"$CACHE_DIR\" api-resources | node \"$ROOT/conformance/api-resources-compare.mjs\"" "$KCTL"

cat > "$DATA_DIR/kinds.yaml" <<YAML
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: conf-$NS}
spec: {controller: example.com/ingress}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: $NS}
spec:
  ingressClassName: conf-$NS
  rules:
  - host: web.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: $NS}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: 5432}]
---
apiVersion: networking.k8s.io/v1
kind: ServiceCIDR
metadata: {name: extra-$NS}
spec: {cidrs: [10.200.0.0/24]}
---
apiVersion: networking.k8s.io/v1
kind: IPAddress
metadata: {name: 10.200.0.7}
spec: {parentRef: {resource: services, namespace: $NS, name: web}}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv-$NS}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  storageClassName: manual
  hostPath: {path: /tmp/pv-$NS}
---
apiVersion: storage.k8s.io/v1
kind: CSIDriver
metadata: {name: csi.example.com}
spec: {podInfoOnMount: true}
---
apiVersion: storage.k8s.io/v1
kind: CSINode
metadata: {name: node-$NS}
spec:
  drivers: [{name: csi.example.com, nodeID: node-1}]
---
apiVersion: storage.k8s.io/v1
kind: VolumeAttachment
metadata: {name: va-$NS}
spec: {attacher: csi.example.com, nodeName: node-$NS, source: {persistentVolumeName: pv-$NS}}
---
apiVersion: storage.k8s.io/v1
kind: CSIStorageCapacity
metadata: {name: cap, namespace: $NS}
storageClassName: manual
capacity: 10Gi
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: label-$NS}
webhooks:
- name: label.example.com
  clientConfig: {service: {name: hook, namespace: $NS}}
  rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}]
  sideEffects: None
  admissionReviewVersions: [v1]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: check-$NS}
webhooks:
- name: check.example.com
  clientConfig: {url: "https://hook.example.com/check"}
  sideEffects: NoneOnDryRun
  admissionReviewVersions: [v1, v1beta1]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: replicas-$NS}
spec:
  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}]
  validations: [{expression: "object.spec.replicas <= 5"}]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: replicas-$NS}
spec: {policyName: replicas-$NS, validationActions: [Deny]}
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1alpha1.conf.example.com}
spec: {group: conf.example.com, version: v1alpha1, groupPriorityMinimum: 1000, versionPriority: 15, service: {namespace: $NS, name: api}}
---
apiVersion: flowcontrol.apiserver.k8s.io/v1
kind: PriorityLevelConfiguration
metadata: {name: conf-$NS}
spec:
  type: Limited
  limited: {limitResponse: {type: Queue, queuing: {queues: 16}}}
---
apiVersion: flowcontrol.apiserver.k8s.io/v1
kind: FlowSchema
metadata: {name: conf-$NS}
spec:
  priorityLevelConfiguration: {name: conf-$NS}
  distinguisherMethod: {type: ByNamespace}
  rules:
  - subjects: [{kind: Group, group: {name: dev}}]
    resourceRules: [{verbs: [get], apiGroups: [""], resources: [pods], namespaces: ["*"]}]
YAML
expect "apply one object of each kind" 0 'flowschema.flowcontrol.apiserver.k8s.io/conf-.* created' -- k apply -f "$DATA_DIR/kinds.yaml"
expect "ingress columns" 0 "web +conf-$NS +web.example.com +80 " -- k -n "$NS" get ingress
expect "ingressclass columns" 0 "conf-$NS +example.com/ingress +<none>" -- k get ingressclass "conf-$NS"
expect "networkpolicy columns" 0 'db +app=db ' -- k -n "$NS" get netpol
expect "servicecidr columns (and the kubernetes one)" 0 "kubernetes +${SERVICE_CIDR//./\\.}" -- k get servicecidrs
expect "ipaddress columns" 0 "10.200.0.7 +services/$NS/web" -- k get ipaddress 10.200.0.7
KUBE_IP="${SERVICE_CIDR%.0.0/16}.0.1"
eventually "the kubernetes ClusterIP has its IPAddress" 15 "${KUBE_IP//./\\.} +services/default/kubernetes" -- k get ipaddress "$KUBE_IP"
expect "persistentvolume columns" 0 "pv-$NS +1Gi +RWO +Retain +(Pending|Available) +manual +<unset>" -- k get pv "pv-$NS"
expect "csidriver columns" 0 'csi.example.com +true +true +false +<unset> +false +Persistent' -- k get csidriver
expect "csinode columns" 0 "node-$NS +1 " -- k get csinode "node-$NS"
expect "volumeattachment columns" 0 "va-$NS +csi.example.com +pv-$NS +node-$NS +false" -- k get volumeattachment
expect "csistoragecapacity columns" 0 'cap +manual +10Gi' -- k -n "$NS" get csistoragecapacities
expect "mutating webhook columns" 0 "label-$NS +1 " -- k get mutatingwebhookconfigurations
expect "webhook defaults" 0 '^Fail Equivalent 10 Never 443$' -- \
  k get mutatingwebhookconfiguration "label-$NS" -o jsonpath='{.webhooks[0].failurePolicy} {.webhooks[0].matchPolicy} {.webhooks[0].timeoutSeconds} {.webhooks[0].reinvocationPolicy} {.webhooks[0].clientConfig.service.port}'
expect "validating admission policy columns" 0 "replicas-$NS +1 +<unset>" -- k get validatingadmissionpolicies
expect "policy binding columns" 0 "replicas-$NS +replicas-$NS +<unset>" -- k get validatingadmissionpolicybindings
expect "apiservice columns" 0 "v1alpha1.conf.example.com +$NS/api " -- k get apiservices
expect "built-in apiservices are Local and Available" 0 'v1.networking.k8s.io +Local +True' -- k get apiservices
expect "flowschema columns" 0 "conf-$NS +conf-$NS +1000 +ByNamespace " -- k get flowschemas
expect "prioritylevel columns with defaults" 0 "conf-$NS +Limited +30 +16 +8 +50 " -- k get prioritylevelconfigurations
expect "componentstatuses" 0 'etcd-0 +Healthy +ok' -- k get cs
# The static PV binds to a claim of its class (the PVC binder's persistentvolume-controller part).
printf 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec: {storageClassName: manual, accessModes: [ReadWriteOnce], resources: {requests: {storage: 512Mi}}}\n' >"$DATA_DIR/pvc.yaml"
expect "a claim of the PV's class" 0 'persistentvolumeclaim/data created' -- k -n "$NS" apply -f "$DATA_DIR/pvc.yaml"
eventually "the claim is bound to the static PV" 20 "data +Bound +pv-$NS +1Gi +RWO +manual" -- k -n "$NS" get pvc data
expect "the PV names its claim" 0 "pv-$NS +1Gi +RWO +Retain +Bound +$NS/data +manual" -- k get pv "pv-$NS"
expect "the claim deleted" 0 'deleted' -- k -n "$NS" delete pvc data
eventually "the Retain PV is Released" 20 "pv-$NS .* Released +$NS/data" -- k get pv "pv-$NS"
expect "everything deleted again" 0 'deleted' -- k delete -f "$DATA_DIR/kinds.yaml"
