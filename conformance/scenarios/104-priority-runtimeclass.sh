# PriorityClass, RuntimeClass and PodTemplate with the real kubectl: the built-in system classes, `kubectl create
# priorityclass`, a pod's priority from its class (server-side dry run: admission runs, nothing starts), a missing class
# or RuntimeClass refused with upstream's 403, the globalDefault class for pods that name none (only one default), a
# RuntimeClass's overhead on the pod, and the tables and describe of the three kinds.
k create ns "$NS" >/dev/null
pod_yaml() { # NAME SPEC-LINE...
  printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: %s, namespace: %s}\nspec:\n  containers: [{name: c, image: dockube/busybox:test}]\n' "$1" "$NS"
  shift; for l in "$@"; do printf '  %s\n' "$l"; done
}
dry() { k create --dry-run=server -f "$1" -o jsonpath="$2"; }

expect "get priorityclass: the system classes" 0 'system-cluster-critical +2000000000 +false .*system-node-critical +2000001000 +false' -- \
  sh -c "\"$KCTL\" --kubeconfig \"$KC\" --cache-dir \"$CACHE_DIR\" get priorityclass --no-headers | tr '\n' ' '"
expect "get priorityclass: header" 0 '^NAME +VALUE +GLOBAL-DEFAULT +AGE +PREEMPTIONPOLICY$' -- k get pc
expect "kubectl create priorityclass" 0 'priorityclass.scheduling.k8s.io/high-'"$NS"' created' -- k create priorityclass "high-$NS" --value=1000 --description=test
pod_yaml hi "priorityClassName: high-$NS" > "$DATA_DIR/hi.yaml"
expect "a pod of the class gets its priority" 0 "^high-$NS/1000/PreemptLowerPriority$" -- dry "$DATA_DIR/hi.yaml" '{.spec.priorityClassName}/{.spec.priority}/{.spec.preemptionPolicy}'
pod_yaml crit "priorityClassName: system-node-critical" > "$DATA_DIR/crit.yaml"
expect "system-node-critical: 2000001000" 0 '^2000001000$' -- dry "$DATA_DIR/crit.yaml" '{.spec.priority}'
pod_yaml nope "priorityClassName: missing-$NS" > "$DATA_DIR/nope.yaml"
expect "a missing class: refused" 1 "pods \"nope\" is forbidden: no PriorityClass with name missing-$NS was found" -- k create -f "$DATA_DIR/nope.yaml"
pod_yaml plain > "$DATA_DIR/plain.yaml"
expect "no class and no default: priority 0" 0 '^/0$' -- dry "$DATA_DIR/plain.yaml" '{.spec.priorityClassName}/{.spec.priority}'
expect "a globalDefault class" 0 'created' -- k create priorityclass "dflt-$NS" --value=7 --global-default --preemption-policy=Never
expect "a second globalDefault: refused" 1 "PriorityClass dflt-$NS is already marked as default. Only one default can exist" -- \
  k create priorityclass "dflt2-$NS" --value=8 --global-default
expect "a pod naming no class gets the default" 0 "^dflt-$NS/7/Never$" -- dry "$DATA_DIR/plain.yaml" '{.spec.priorityClassName}/{.spec.priority}/{.spec.preemptionPolicy}'
expect "describe priorityclass" 0 'Value: +7' -- k describe pc "dflt-$NS"
k delete pc "dflt-$NS" >/dev/null

# --- preemption: a pod of high-$NS that fits nowhere evicts a pod of a lower class from the full node
bash "$ROOT/scripts/build-test-images.sh" >/dev/null 2>&1 || fail "build-test-images.sh"
ALLOC="$(k get nodes -o jsonpath='{.items[0].status.allocatable.cpu}')"
k create priorityclass "low-$NS" --value=10 >/dev/null
running_pod() { # NAME CLASS
  printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: %s, namespace: %s}\nspec:\n  priorityClassName: %s\n  terminationGracePeriodSeconds: 1\n  containers:\n  - name: c\n    image: dockube/busybox:test\n    imagePullPolicy: IfNotPresent\n    command: [sleep, "3600"]\n    resources: {requests: {cpu: "%s"}}\n' "$1" "$NS" "$2" "$ALLOC"
}
running_pod victim "low-$NS" > "$DATA_DIR/victim.yaml"
running_pod preemptor "high-$NS" > "$DATA_DIR/preemptor.yaml"
expect "a low-priority pod takes the whole node" 0 'created' -- k apply -f "$DATA_DIR/victim.yaml"
k -n "$NS" wait --for=condition=Ready pod/victim --timeout=60s >/dev/null
expect "a high-priority pod of the same size" 0 'created' -- k apply -f "$DATA_DIR/preemptor.yaml"
eventually "the victim is preempted (Preempted event)" 30 'Preempted +Pod +Preempted by pod [0-9a-f-]+ on node' -- \
  k -n "$NS" get events --field-selector involvedObject.name=victim -o custom-columns=R:.reason,O:.involvedObject.kind,M:.message --no-headers
eventually "the preemptor runs on the node" 60 '^Running/[^/]+$' -- k -n "$NS" get pod preemptor -o jsonpath='{.status.phase}/{.spec.nodeName}'
expect "the victim is gone" 1 'NotFound' -- k -n "$NS" get pod victim
k delete pc "high-$NS" "low-$NS" >/dev/null
k -n "$NS" delete pod preemptor --wait=false >/dev/null

pod_yaml rc "runtimeClassName: sandbox-$NS" > "$DATA_DIR/rc.yaml"
expect "a missing RuntimeClass: refused" 1 "pods \"rc\" is forbidden: pod rejected: RuntimeClass \"sandbox-$NS\" not found" -- k create -f "$DATA_DIR/rc.yaml"
printf 'apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata: {name: sandbox-%s}\nhandler: runc\noverhead: {podFixed: {memory: 32Mi, cpu: 10m}}\n' "$NS" > "$DATA_DIR/rclass.yaml"
expect "create the RuntimeClass" 0 'created' -- k apply -f "$DATA_DIR/rclass.yaml"
expect "get runtimeclass: NAME HANDLER AGE" 0 "^sandbox-$NS +runc +[0-9]+s$" -- k get runtimeclass "sandbox-$NS" --no-headers
expect "the pod gets the RuntimeClass overhead" 0 '^10m/32Mi$' -- dry "$DATA_DIR/rc.yaml" '{.spec.overhead.cpu}/{.spec.overhead.memory}'
k delete runtimeclass "sandbox-$NS" >/dev/null

cat > "$DATA_DIR/pt.yaml" <<YAML
apiVersion: v1
kind: PodTemplate
metadata: {name: tpl}
template:
  metadata: {labels: {app: tpl}}
  spec:
    containers: [{name: web, image: nginx}]
YAML
expect "create podtemplate" 0 'podtemplate/tpl created' -- k -n "$NS" apply -f "$DATA_DIR/pt.yaml"
expect "get podtemplates: columns" 0 '^tpl +web +nginx +app=tpl$' -- k -n "$NS" get podtemplates tpl --no-headers
expect "describe podtemplate" 0 'Image: +nginx' -- k -n "$NS" describe podtemplate tpl
k delete ns "$NS" --wait=false >/dev/null 2>&1
