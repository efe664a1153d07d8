# Pod lifecycle details as upstream's node conformance tests read them (test/e2e/common/node): activeDeadlineSeconds
# (pods.go: a deadline met, and one shortened on a running pod, end Failed/DeadlineExceeded), restartCount counted
# when the container starts again (runtime.go's terminate-cmd-rpa), termination messages (runtime.go: a custom path
# as a non-root user, FallbackToLogsOnError), a read-only root filesystem (kubelet.go's exact log line, and the
# kubelet-mounted files still usable), a preStop httpGet to another pod (lifecycle_hook.go, busybox httpd standing
# in for agnhost netexec), and deletecollection with a grace period (pods.go). Only dockube/busybox:test is run.
bash "$ROOT/scripts/build-test-images.sh" >/dev/null 2>&1 || fail "build-test-images.sh"
k create ns "$NS" >/dev/null
IMG='image: dockube/busybox:test, imagePullPolicy: IfNotPresent'
phase() { k -n "$NS" get pod "$1" -o 'jsonpath={.status.phase}'; }
pod_containers() { docker ps -aq --filter "label=io.kubernetes.pod.namespace=$NS" --filter "label=io.kubernetes.pod.name=$1" | wc -l; }

cat > "$DATA_DIR/49-pods.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: deadline}
spec:
  activeDeadlineSeconds: 3
  terminationGracePeriodSeconds: 1
  containers:
  - {name: main, $IMG, command: [sleep, "3600"]}
---
apiVersion: v1
kind: Pod
metadata: {name: shortened}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: main, $IMG, command: [sleep, "3600"]}
---
apiVersion: v1
kind: Pod
metadata: {name: terminate-cmd-rpa}
spec:
  terminationGracePeriodSeconds: 1
  restartPolicy: Always
  volumes: [{name: restart-count, emptyDir: {}}]
  containers:
  - name: main
    image: dockube/busybox:test
    imagePullPolicy: IfNotPresent
    volumeMounts: [{name: restart-count, mountPath: /restart-count}]
    # runtime.go: the first run fails, the second succeeds (and is restarted under Always), the third keeps running.
    command: [sh, -c, 'echo x >> /restart-count/restartCount; n=\$(wc -l < /restart-count/restartCount); if [ \$n -eq 1 ]; then exit 1; fi; if [ \$n -eq 2 ]; then exit 0; fi; while true; do sleep 1; done']
---
apiVersion: v1
kind: Pod
metadata: {name: msg-custom-path}
spec:
  restartPolicy: Never
  containers:
  - name: main
    image: dockube/busybox:test
    imagePullPolicy: IfNotPresent
    terminationMessagePath: /dev/termination-custom-log
    securityContext: {runAsUser: 1000}
    command: [/bin/sh, -c, '/bin/echo -n DONE > /dev/termination-custom-log']
---
apiVersion: v1
kind: Pod
metadata: {name: msg-fallback-fail}
spec:
  restartPolicy: Never
  containers:
  - {name: main, $IMG, terminationMessagePolicy: FallbackToLogsOnError, command: [/bin/sh, -c, '/bin/echo -n DONE; /bin/false']}
---
apiVersion: v1
kind: Pod
metadata: {name: msg-fallback-ok}
spec:
  restartPolicy: Never
  containers:
  - {name: main, $IMG, terminationMessagePolicy: FallbackToLogsOnError, command: [/bin/sh, -c, '/bin/echo -n OK']}
---
apiVersion: v1
kind: Pod
metadata: {name: msg-fallback-file}
spec:
  restartPolicy: Never
  containers:
  - {name: main, $IMG, terminationMessagePolicy: FallbackToLogsOnError, command: [/bin/sh, -c, '/bin/echo -n OK > /dev/termination-log']}
---
apiVersion: v1
kind: Pod
metadata: {name: readonly}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: dockube/busybox:test
    imagePullPolicy: IfNotPresent
    securityContext: {readOnlyRootFilesystem: true}
    command: [/bin/sh, -c, 'echo test > /file; sleep 240']
---
apiVersion: v1
kind: Pod
metadata: {name: readonly-mounts}
spec:
  restartPolicy: Never
  containers:
  - name: main
    image: dockube/busybox:test
    imagePullPolicy: IfNotPresent
    securityContext: {readOnlyRootFilesystem: true}
    command: [/bin/sh, -c, 'grep -q readonly-mounts /etc/hosts && echo hosts-ok; grep -q nameserver /etc/resolv.conf && echo resolv-ok; test -s /var/run/secrets/kubernetes.io/serviceaccount/token && echo token-ok; echo -n written > /dev/termination-log && echo termlog-ok']
---
apiVersion: v1
kind: Pod
metadata: {name: hook-handler}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: main, $IMG, command: [sh, -c, 'mkdir -p /www && echo ok > /www/prestop && exec httpd -f -vv -p 8080 -h /www']}
YAML
k -n "$NS" apply -f "$DATA_DIR/49-pods.yaml" >/dev/null

# ---- activeDeadlineSeconds ----
eventually "a pod past activeDeadlineSeconds ends Failed" 30 '^Failed$' -- phase deadline
expect "its reason and message are the kubelet's" 0 '^DeadlineExceeded Pod was active on the node longer than the specified deadline$' -- \
  k -n "$NS" get pod deadline -o 'jsonpath={.status.reason} {.status.message}'
expect "describe shows the pod's reason" 0 'Reason: +DeadlineExceeded' -- k -n "$NS" describe pod deadline
eventually "describe shows the DeadlineExceeded event" 10 'Normal +DeadlineExceeded .*Pod was active on the node longer than the specified deadline' -- k -n "$NS" describe pod deadline
eventually "its containers (the sandbox too) are stopped" 20 '^$' -- docker ps -q --filter "label=io.kubernetes.pod.namespace=$NS" --filter "label=io.kubernetes.pod.name=deadline"
eventually "pod shortened runs" 60 '^Running$' -- phase shortened
expect "activeDeadlineSeconds can be set on a running pod" 0 'pod/shortened patched' -- k -n "$NS" patch pod shortened -p '{"spec":{"activeDeadlineSeconds":600}}'
expect "and not raised" 1 'must be less than or equal to previous value' -- k -n "$NS" patch pod shortened -p '{"spec":{"activeDeadlineSeconds":900}}'
expect "but shortened" 0 'pod/shortened patched' -- k -n "$NS" patch pod shortened -p '{"spec":{"activeDeadlineSeconds":2}}'
eventually "the shortened deadline fails the pod" 20 '^Failed DeadlineExceeded$' -- k -n "$NS" get pod shortened -o 'jsonpath={.status.phase} {.status.reason}'

# ---- restartCount (runtime.go: terminate-cmd-rpa) ----
eventually "terminate-cmd-rpa: restartCount 2, running and ready" 90 '^2 true Running$' -- \
  k -n "$NS" get pod terminate-cmd-rpa -o 'jsonpath={.status.containerStatuses[0].restartCount} {.status.containerStatuses[0].ready} {.status.phase}'
expect "it stays at 2 once running" 0 '^terminate-cmd-rpa +1/1 +Running +2 ' -- sh -c "sleep 2; '$KCTL' --kubeconfig '$KC' --cache-dir '$CACHE_DIR' -n '$NS' get pod terminate-cmd-rpa --no-headers"

# ---- termination messages (runtime.go) ----
tmsg() { k -n "$NS" get pod "$1" -o 'jsonpath={.status.phase}/{.status.containerStatuses[0].state.terminated.message}/'; }
eventually "a custom terminationMessagePath written as a non-root user: Succeeded, DONE" 60 '^Succeeded/DONE/$' -- tmsg msg-custom-path
eventually "FallbackToLogsOnError on a failure: Failed, the log DONE" 60 '^Failed/DONE/$' -- tmsg msg-fallback-fail
eventually "FallbackToLogsOnError on success: Succeeded, no message" 60 '^Succeeded//$' -- tmsg msg-fallback-ok
eventually "FallbackToLogsOnError with a file on success: the file's OK" 60 '^Succeeded/OK/$' -- tmsg msg-fallback-file

# ---- readOnlyRootFilesystem (kubelet.go) ----
eventually "a write to a read-only root filesystem fails with the kernel's error" 60 "^/bin/sh: can't create /file: Read-only file system\$" -- k -n "$NS" logs readonly
eventually "readonly-mounts finishes" 60 '^Succeeded$' -- phase readonly-mounts
expect "the kubelet-mounted files stay usable on a read-only root" 0 '^hosts-ok resolv-ok token-ok termlog-ok$' -- sh -c "'$KCTL' --kubeconfig '$KC' --cache-dir '$CACHE_DIR' -n '$NS' logs readonly-mounts | xargs"
expect "the termination log was written" 0 '^written$' -- k -n "$NS" get pod readonly-mounts -o 'jsonpath={.status.containerStatuses[0].state.terminated.message}'

# ---- preStop httpGet to another pod (lifecycle_hook.go) ----
eventually "the hook handler pod runs" 60 '^Running$' -- phase hook-handler
HANDLER_IP="$(k -n "$NS" get pod hook-handler -o 'jsonpath={.status.podIP}')"
cat > "$DATA_DIR/49-hooked.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: pod-with-prestop-http-hook}
spec:
  terminationGracePeriodSeconds: 15
  containers:
  - name: main
    image: dockube/busybox:test
    imagePullPolicy: IfNotPresent
    command: [sh, -c, 'trap "exit 0" TERM; while true; do sleep 0.2; done']
    lifecycle:
      preStop:
        httpGet: {host: "$HANDLER_IP", port: 8080, path: /prestop}
YAML
k -n "$NS" apply -f "$DATA_DIR/49-hooked.yaml" >/dev/null
eventually "the hooked pod runs" 60 '^Running$' -- phase pod-with-prestop-http-hook
expect "the handler has not been called yet" 0 '' -- sh -c "! '$KCTL' --kubeconfig '$KC' --cache-dir '$CACHE_DIR' -n '$NS' logs hook-handler | grep url:/prestop"
expect "deleting the hooked pod waits for it" 0 'deleted' -- k -n "$NS" delete pod pod-with-prestop-http-hook --timeout=30s
expect "the preStop hook reached the other pod before the container was killed" 0 'url:/prestop' -- k -n "$NS" logs hook-handler
expect "the handler answered 200" 0 'response:200' -- k -n "$NS" logs hook-handler
expect "no FailedPreStopHook event" 0 '' -- sh -c "! '$KCTL' --kubeconfig '$KC' --cache-dir '$CACHE_DIR' -n '$NS' get events --field-selector involvedObject.name=pod-with-prestop-http-hook | grep FailedPreStopHook"

# ---- deletecollection with a grace period (pods.go) ----
for i in 1 2 3; do
  k -n "$NS" run "coll-$i" --labels=set=coll --image=dockube/busybox:test --image-pull-policy=IfNotPresent \
    --overrides='{"apiVersion":"v1","spec":{"terminationGracePeriodSeconds":30}}' -- sh -c 'trap "echo got TERM; sleep 1; exit 0" TERM; while true; do sleep 0.2; done' >/dev/null
done
for i in 1 2 3; do eventually "pod coll-$i runs" 60 '^Running$' -- phase "coll-$i"; done
t0=$(date +%s%N)
# A grace of 10 s, far above the trap's 1 s: the window measured below also holds this run's kubectl calls, which
# take seconds on a loaded machine, and must still tell an exit by the trap from a kill at the grace's end.
expect "DELETE on the pods collection with gracePeriodSeconds" 0 '' -- k delete --raw "/api/v1/namespaces/$NS/pods?labelSelector=set%3Dcoll&gracePeriodSeconds=10"
expect "each pod is terminating with the grace given" 0 '^10 10 10 $' -- sh -c "'$KCTL' --kubeconfig '$KC' --cache-dir '$CACHE_DIR' -n '$NS' get pods -l set=coll -o 'jsonpath={range .items[*]}{.metadata.deletionGracePeriodSeconds} {end}'"
expect "get pods shows them Terminating" 0 '^coll-1 +1/1 +Terminating ' -- k -n "$NS" get pod coll-1 --no-headers
eventually "the kubelet terminates them gracefully, then they go" 20 'No resources found' -- k -n "$NS" get pods -l set=coll
elapsed=$(( ($(date +%s%N) - t0) / 1000000 ))
if [ "$elapsed" -ge 1000 ] && [ "$elapsed" -lt 10000 ]; then pass "the collection went in the trap's time, within the grace (${elapsed} ms)"; else fail "the collection took ${elapsed} ms"; fi
for i in 1 2 3; do eventually "coll-$i's containers are removed" 20 '^0$' -- pod_containers "coll-$i"; done
k -n "$NS" run coll-all --labels=set=all --image=dockube/busybox:test --image-pull-policy=IfNotPresent \
  --overrides='{"apiVersion":"v1","spec":{"terminationGracePeriodSeconds":1}}' -- sleep 3600 >/dev/null
eventually "pod coll-all runs" 60 '^Running$' -- phase coll-all
expect "kubectl delete pods --all" 0 'pod "coll-all" deleted' -- k -n "$NS" delete pods --all --timeout=60s
expect "no pods are left" 0 'No resources found' -- k -n "$NS" get pods
