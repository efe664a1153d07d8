# Scheduling: pods get a node through the scheduler (pods/binding); a pod that fits nowhere stays Pending with
# FailedScheduling / Insufficient cpu; a cordoned node takes no pods until uncordoned; the node has its Lease.
k create ns "$NS" >/dev/null
NODE="$(k get nodes -o jsonpath='{.items[0].metadata.name}')"

k -n "$NS" run sched-a --image=dockube/busybox:test --restart=Never -- sleep 3600 >/dev/null
eventually "kubectl run: the pod is scheduled, get -o wide shows the node" 15 "^sched-a +[0-9]+/[0-9]+ +[A-Za-z]+ +[0-9]+ +[^ ]+ +[^ ]+ +$NODE " -- \
  k -n "$NS" get pod sched-a -o wide --no-headers
expect "PodScheduled=True" 0 '^True$' -- k -n "$NS" get pod sched-a -o 'jsonpath={.status.conditions[?(@.type=="PodScheduled")].status}'
eventually "a Scheduled event from default-scheduler" 10 "Normal +Scheduled .*default-scheduler +Successfully assigned $NS/sched-a to $NODE" -- k -n "$NS" describe pod sched-a

k -n "$NS" run sched-huge --image=dockube/busybox:test --restart=Never --overrides='{"apiVersion":"v1","spec":{"containers":[{"name":"sched-huge","image":"dockube/busybox:test","resources":{"requests":{"cpu":"1000"}}}]}}' >/dev/null
eventually "a 1000-cpu pod: describe shows FailedScheduling, Insufficient cpu" 15 \
  'Warning +FailedScheduling .*default-scheduler +0/1 nodes are available: 1 Insufficient cpu\. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod\.' -- \
  k -n "$NS" describe pod sched-huge
expect "it stays Pending with no node" 0 '^Pending <none>$' -- k -n "$NS" get pod sched-huge -o 'jsonpath={.status.phase} {.spec.nodeName}{"<none>"}'
expect "PodScheduled=False Unschedulable" 0 '^False Unschedulable$' -- \
  k -n "$NS" get pod sched-huge -o 'jsonpath={.status.conditions[?(@.type=="PodScheduled")].status} {.status.conditions[?(@.type=="PodScheduled")].reason}'

expect "kubectl cordon" 0 "node/$NODE cordoned" -- k cordon "$NODE"
expect "get nodes shows SchedulingDisabled" 0 "^$NODE +Ready,SchedulingDisabled " -- k get node "$NODE" --no-headers
k -n "$NS" run sched-b --image=dockube/busybox:test --restart=Never -- sleep 3600 >/dev/null
eventually "a new pod on a cordoned node: node(s) were unschedulable" 15 'FailedScheduling .*0/1 nodes are available: 1 node\(s\) were unschedulable\. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling\.' -- \
  k -n "$NS" describe pod sched-b
expect "it has no node" 0 '^<none>$' -- k -n "$NS" get pod sched-b -o 'jsonpath={.spec.nodeName}{"<none>"}'
expect "kubectl uncordon" 0 "node/$NODE uncordoned" -- k uncordon "$NODE"
eventually "after uncordon it is scheduled" 15 "^$NODE\$" -- k -n "$NS" get pod sched-b -o 'jsonpath={.spec.nodeName}'

# Binding by hand: a pod for another scheduler waits until something binds it; a second binding is a conflict.
k -n "$NS" run sched-manual --image=dockube/busybox:test --restart=Never --overrides='{"apiVersion":"v1","spec":{"schedulerName":"manual"}}' >/dev/null
# create --raw sends the file as it is, with a JSON content type.
cat > "$DATA_DIR/binding.json" <<JSON
{"apiVersion": "v1", "kind": "Binding", "metadata": {"name": "sched-manual"}, "target": {"apiVersion": "v1", "kind": "Node", "name": "$NODE"}}
JSON
expect "kubectl create --raw a Binding" 0 '"status":"Success"' -- \
  k create --raw "/api/v1/namespaces/$NS/pods/sched-manual/binding" -f "$DATA_DIR/binding.json"
expect "the pod has the node" 0 "^$NODE\$" -- k -n "$NS" get pod sched-manual -o 'jsonpath={.spec.nodeName}'
expect "binding again is a conflict" 1 "pod sched-manual is already assigned to node \"$NODE\"" -- \
  k create --raw "/api/v1/namespaces/$NS/pods/sched-manual/binding" -f "$DATA_DIR/binding.json"

# The node heartbeat Lease.
expect "get lease -n kube-node-lease" 0 "^$NODE +$NODE +" -- k get lease -n kube-node-lease "$NODE" --no-headers
expect "lease duration 40s, owned by the Node" 0 "^40 Node $NODE\$" -- \
  k get lease -n kube-node-lease "$NODE" -o 'jsonpath={.spec.leaseDurationSeconds} {.metadata.ownerReferences[0].kind} {.metadata.ownerReferences[0].name}'
expect "describe node shows the lease holder and renew time" 0 "HolderIdentity: +$NODE" -- k describe node "$NODE"
expect "describe node: RenewTime is set" 0 'RenewTime: +[A-Z][a-z]{2}, ' -- k describe node "$NODE"
expect "describe node: Ready KubeletReady" 0 'Ready +True .*KubeletReady +kubelet is posting ready status' -- k describe node "$NODE"
