# Events: core/v1 and events.k8s.io/v1 are one stored object; get events, kubectl events and describe show them;
# a delete through one API is seen by the other.
k create ns "$NS" >/dev/null
k -n "$NS" create configmap evcm --from-literal=a=1 >/dev/null
CM_UID="$(k -n "$NS" get cm evcm -o jsonpath='{.metadata.uid}')"
NOW="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
cat > "$DATA_DIR/core-event.yaml" <<YAML
apiVersion: v1
kind: Event
metadata:
  name: evcm.17a0
  namespace: $NS
involvedObject:
  apiVersion: v1
  kind: ConfigMap
  name: evcm
  namespace: $NS
  uid: $CM_UID
reason: Checked
message: looked at by the conformance test
type: Normal
source:
  component: conformance-test
firstTimestamp: "$NOW"
lastTimestamp: "$NOW"
count: 3
YAML
expect "create a core/v1 Event from a manifest" 0 'event/evcm.17a0 created' -- k create -f "$DATA_DIR/core-event.yaml"
expect "get events" 0 'Normal +Checked +configmap/evcm +looked at by the conformance test' -- k -n "$NS" get events
expect "get events -o wide shows source and count" 0 'conformance-test +looked at by the conformance test +[0-9a-z]+ +3 +evcm.17a0' -- k -n "$NS" get events -o wide
expect "get events.v1.events.k8s.io" 0 'Normal +Checked +configmap/evcm +looked at by the conformance test' -- k -n "$NS" get events.v1.events.k8s.io
expect "events.k8s.io form: note, regarding, deprecatedCount" 0 '^looked at by the conformance test ConfigMap evcm 3 conformance-test$' -- \
  k -n "$NS" get events.v1.events.k8s.io evcm.17a0 -o 'jsonpath={.note} {.regarding.kind} {.regarding.name} {.deprecatedCount} {.deprecatedSource.component}'
expect "kubectl events" 0 'Normal +Checked +ConfigMap/evcm +looked at by the conformance test' -- k -n "$NS" events
expect "kubectl events --for the object" 0 'Checked' -- k -n "$NS" events --for configmap/evcm
expect "describe configmap lists its events" 0 'Normal +Checked .*conformance-test +looked at by the conformance test' -- k -n "$NS" describe cm evcm
expect "field selector on events.k8s.io names" 0 '^evcm.17a0$' -- k -n "$NS" get events.v1.events.k8s.io --field-selector regarding.name=evcm --no-headers -o 'custom-columns=N:.metadata.name'

# An events.k8s.io/v1 Event about a pod: core sees it, describe pod lists it.
k -n "$NS" run evpod --image=dockube/busybox:test >/dev/null
POD_UID="$(k -n "$NS" get pod evpod -o jsonpath='{.metadata.uid}')"
cat > "$DATA_DIR/new-event.yaml" <<YAML
apiVersion: events.k8s.io/v1
kind: Event
metadata:
  name: evpod.17b0
  namespace: $NS
regarding:
  apiVersion: v1
  kind: Pod
  name: evpod
  namespace: $NS
  uid: $POD_UID
reason: Tested
note: pod examined by the conformance test
type: Warning
action: Examining
eventTime: "$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)"
reportingController: conformance-test
reportingInstance: runner-1
YAML
expect "create an events.k8s.io/v1 Event" 0 'event.events.k8s.io/evpod.17b0 created' -- k create -f "$DATA_DIR/new-event.yaml"
expect "core/v1 serves it with message and involvedObject" 0 '^pod examined by the conformance test Pod evpod conformance-test$' -- \
  k -n "$NS" get events evpod.17b0 -o 'jsonpath={.message} {.involvedObject.kind} {.involvedObject.name} {.reportingComponent}'
expect "describe pod lists its events" 0 'Warning +Tested .*conformance-test +pod examined by the conformance test' -- k -n "$NS" describe pod evpod
expect "get events --field-selector type=Warning" 0 'evpod.17b0' -- k -n "$NS" get events --field-selector type=Warning -o name

# Deleting through one API removes it from the other.
expect "delete through events.k8s.io" 0 'event.events.k8s.io "evcm.17a0" deleted' -- k -n "$NS" delete events.v1.events.k8s.io evcm.17a0
expect "gone from core/v1" 1 'Error from server \(NotFound\): events "evcm.17a0" not found' -- k -n "$NS" get events evcm.17a0
expect "delete through core/v1" 0 'event "evpod.17b0" deleted' -- k -n "$NS" delete event evpod.17b0
expect "gone from events.k8s.io" 1 'Error from server \(NotFound\): events.events.k8s.io "evpod.17b0" not found' -- k -n "$NS" get events.v1.events.k8s.io evpod.17b0
