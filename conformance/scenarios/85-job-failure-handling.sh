# Jobs' per-index failure handling and pod replacement with the real kubectl on the real engine: backoffLimitPerIndex
# retries only the failing index, after that index's own back-off, the replacement carrying the index's failure count,
# and the Job fails with FailedIndexes once every index is done (failedIndexes, completedIndexes); maxFailedIndexes 0
# with a FailIndex rule ends a Job at its first failed index (MaxFailedIndexesExceeded); podReplacementPolicy Failed
# creates no replacement while the deleted pod terminates (status.terminating); a Job managedBy another controller
# gets no pod, and its managedBy cannot change. The Jobs run side by side.
bash "$ROOT/scripts/build-test-images.sh" >/dev/null 2>&1 || fail "build-test-images.sh"
k create ns "$NS" >/dev/null

{
  job_yaml perindex '  completions: 3
  parallelism: 3
  completionMode: Indexed
  backoffLimitPerIndex: 1' 'if [ "$JOB_COMPLETION_INDEX" = 1 ]; then exit 3; fi; echo ok'
  echo ---
  job_yaml maxfailed '  completions: 4
  parallelism: 1
  completionMode: Indexed
  backoffLimitPerIndex: 2
  maxFailedIndexes: 0
  podFailurePolicy:
    rules:
    - action: FailIndex
      onExitCodes: {containerName: main, operator: In, values: [42]}' 'exit 42'
  echo ---
  # The pod outlives its deletion by 6 s (SIGTERM trapped), then fails.
  job_yaml replaced '  podReplacementPolicy: Failed' 'trap "sleep 6; exit 1" TERM; sleep 300 & wait' |
    sed 's/terminationGracePeriodSeconds: 1/terminationGracePeriodSeconds: 30/'
  echo ---
  job_yaml external '  managedBy: example.com/other-controller' 'echo never'
} > "$DATA_DIR/jobs.yaml"
expect "apply four Jobs" 0 'job.batch/perindex created' -- k -n "$NS" apply -f "$DATA_DIR/jobs.yaml"

# --- podReplacementPolicy Failed: a terminating pod is not replaced until it has failed
eventually "replaced: its pod runs" 60 '^Running$' -- k -n "$NS" get pods -l batch.kubernetes.io/job-name=replaced -o jsonpath='{.items[0].status.phase}'
first=$(k -n "$NS" get pods -l batch.kubernetes.io/job-name=replaced -o jsonpath='{.items[0].metadata.name}')
expect "replaced: delete its pod (it takes 6 s to stop)" 0 'deleted' -- k -n "$NS" delete pod "$first" --wait=false
eventually "replaced: status.terminating 1, active 0" 10 '^1/0$' -- k -n "$NS" get job replaced -o jsonpath='{.status.terminating}/{.status.active}'
expect "replaced: no replacement while it terminates" 0 "^$first\$" -- k -n "$NS" get pods -l batch.kubernetes.io/job-name=replaced -o jsonpath='{.items[*].metadata.name}'
eventually "replaced: once Failed, a replacement runs and the failure is counted" 60 '^0/1/1$' -- k -n "$NS" get job replaced -o jsonpath='{.status.terminating}/{.status.active}/{.status.failed}'

# --- managedBy another controller
expect "external: no pod, no status from the built-in controller" 0 '^pods= status=(\{\})?$' -- bash -c "echo \"pods=\$('$KCTL' --kubeconfig '$KC' -n '$NS' get pods -l batch.kubernetes.io/job-name=external -o name) status=\$('$KCTL' --kubeconfig '$KC' -n '$NS' get job external -o jsonpath='{.status}')\""
expect "external: managedBy is immutable" 1 'spec.managedBy: Invalid value: .*field is immutable' -- k -n "$NS" patch job external --type=merge -p '{"spec":{"managedBy":"example.com/another"}}'
expect "a managedBy that is no domain-prefixed path is refused" 1 'spec.managedBy: Invalid value: "plain": must be a domain-prefixed path' -- k -n "$NS" create -f - <<<'{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"bad"},"spec":{"managedBy":"plain","template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"dockube/busybox:test"}]}}}}'

# --- maxFailedIndexes with FailIndex
expect "maxfailed: fails" 0 'condition met' -- k -n "$NS" wait --for=condition=failed job/maxfailed --timeout=60s
expect "maxfailed: reason MaxFailedIndexesExceeded" 0 'FailureTarget=MaxFailedIndexesExceeded;Failed=MaxFailedIndexesExceeded;' -- job_conditions maxfailed
expect "maxfailed: index 0 failed without a retry, no other index started" 0 '^0/1/1$' -- bash -c "echo \"\$('$KCTL' --kubeconfig '$KC' -n '$NS' get job maxfailed -o jsonpath='{.status.failedIndexes}/{.status.failed}')/\$('$KCTL' --kubeconfig '$KC' -n '$NS' get pods -l batch.kubernetes.io/job-name=maxfailed -o name | wc -l)\""
expect "a FailIndex rule without backoffLimitPerIndex is refused" 1 'requires the backoffLimitPerIndex to be set' -- k -n "$NS" create -f - <<<'{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"bad"},"spec":{"completions":2,"completionMode":"Indexed","podFailurePolicy":{"rules":[{"action":"FailIndex","onExitCodes":{"operator":"In","values":[1]}}]},"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"dockube/busybox:test"}]}}}}'

# --- backoffLimitPerIndex: index 1 fails twice, the others succeed once
expect "perindex: fails" 0 'condition met' -- k -n "$NS" wait --for=condition=failed job/perindex --timeout=90s
expect "perindex: reason FailedIndexes" 0 'FailureTarget=FailedIndexes;Failed=FailedIndexes;' -- job_conditions perindex
expect "perindex: failedIndexes 1, completedIndexes 0,2, 2 succeeded, 2 failed" 0 '^1 0,2 2 2$' -- k -n "$NS" get job perindex -o jsonpath='{.status.failedIndexes} {.status.completedIndexes} {.status.succeeded} {.status.failed}'
expect "perindex: indexes 0 and 2 ran once, index 1 twice with failure counts 0 then 1" 0 '^0:0 1:0 1:1 2:0 $' -- bash -c "'$KCTL' --kubeconfig '$KC' -n '$NS' get pods -l batch.kubernetes.io/job-name=perindex -o jsonpath='{range .items[*]}{.metadata.annotations.batch\.kubernetes\.io/job-completion-index}:{.metadata.annotations.batch\.kubernetes\.io/job-index-failure-count}{\"\n\"}{end}' | sort | tr '\n' ' '"
# The index's back-off: its second pod is created at least 10 s (1 s of rounding) after its first pod finished.
gap() {
  local finished created
  finished=$(k -n "$NS" get pods -l batch.kubernetes.io/job-completion-index=1,batch.kubernetes.io/job-name=perindex -o jsonpath='{range .items[?(@.metadata.annotations.batch\.kubernetes\.io/job-index-failure-count=="0")]}{.status.containerStatuses[0].state.terminated.finishedAt}{end}')
  created=$(k -n "$NS" get pods -l batch.kubernetes.io/job-completion-index=1,batch.kubernetes.io/job-name=perindex -o jsonpath='{range .items[?(@.metadata.annotations.batch\.kubernetes\.io/job-index-failure-count=="1")]}{.metadata.creationTimestamp}{end}')
  echo "gap=$(($(date -d "$created" +%s) - $(date -d "$finished" +%s)))"
}
expect "perindex: the retry of index 1 waited for its back-off" 0 '^gap=(9|[1-9][0-9])$' -- gap
expect "perindex: no pod keeps the job-tracking finalizer" 0 '^$' -- k -n "$NS" get pods -l batch.kubernetes.io/job-name=perindex -o jsonpath='{.items[*].metadata.finalizers}'
k delete ns "$NS" --wait=false >/dev/null 2>&1
