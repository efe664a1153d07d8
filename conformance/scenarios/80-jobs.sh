# Jobs with the real kubectl on the real engine (kube-controller-manager's job and ttl-after-finished controllers):
# completions 5 / parallelism 2 completes and `kubectl wait` returns; a failing Job stops at backoffLimit with
# BackoffLimitExceeded; an Indexed Job's pods print their index (kubectl logs); suspend/resume; activeDeadlineSeconds
# → DeadlineExceeded; ttlSecondsAfterFinished deletes the Job; a podFailurePolicy FailJob rule on an exit code;
# `kubectl create job`, `kubectl get all`, `kubectl describe job`. The Jobs run side by side to keep the run short.
bash "$ROOT/scripts/build-test-images.sh" >/dev/null 2>&1 || fail "build-test-images.sh"
k create ns "$NS" >/dev/null

job() { job_yaml "$@"; }
cond() { job_conditions "$1"; }

{
  job five '  completions: 5
  parallelism: 2' 'sleep 1; echo done'
  echo ---
  job failing '  backoffLimit: 1' 'echo failing; exit 3'
  echo ---
  job indexed '  completions: 3
  parallelism: 3
  completionMode: Indexed' 'echo "index=$JOB_COMPLETION_INDEX host=$(hostname)"'
  echo ---
  job paused '  suspend: true' 'echo resumed'
  echo ---
  job deadline '  activeDeadlineSeconds: 3' 'sleep 300'
  echo ---
  job shortlived '  ttlSecondsAfterFinished: 3' 'echo bye'
  echo ---
  job policy '  backoffLimit: 6
  podFailurePolicy:
    rules:
    - action: FailJob
      onExitCodes: {containerName: main, operator: In, values: [42]}' 'exit 42'
} > "$DATA_DIR/jobs.yaml"
expect "apply seven Jobs" 0 'job.batch/five created' -- k -n "$NS" apply -f "$DATA_DIR/jobs.yaml"

# --- completions 5, parallelism 2
expect "kubectl wait --for=condition=complete returns" 0 'condition met' -- k -n "$NS" wait --for=condition=complete job/five --timeout=120s
expect "five: 5 succeeded, never more than 2 at once (status)" 0 '^5/0/0$' -- k -n "$NS" get job five -o jsonpath='{.status.succeeded}/{.status.failed}/{.status.active}'
expect "five: Complete with CompletionsReached after SuccessCriteriaMet" 0 'SuccessCriteriaMet=CompletionsReached;Complete=CompletionsReached;' -- cond five
expect "five: table STATUS Complete, COMPLETIONS 5/5" 0 'five +Complete +5/5 +[0-9]+s' -- k -n "$NS" get job five
expect "five: 5 pods, none left with the job-tracking finalizer" 0 '^(five-[a-z0-9]+: ){5}$' -- k -n "$NS" get pods -l batch.kubernetes.io/job-name=five -o jsonpath='{range .items[*]}{.metadata.name}:{.metadata.finalizers} {end}'
expect "five: SuccessfulCreate and Completed events" 0 'Completed' -- k -n "$NS" get events --field-selector involvedObject.name=five -o jsonpath='{range .items[*]}{.reason}{" "}{end}'
expect "five: describe shows the pod statuses" 0 'Pods Statuses: +0 Active .* 5 Succeeded / 0 Failed' -- k -n "$NS" describe job five

# --- backoffLimit
expect "failing: kubectl wait --for=condition=failed" 0 'condition met' -- k -n "$NS" wait --for=condition=failed job/failing --timeout=120s
expect "failing: Failed BackoffLimitExceeded" 0 'Failed=BackoffLimitExceeded' -- cond failing
expect "failing: two pods failed (backoffLimit 1), none active" 0 '^2/0$' -- k -n "$NS" get job failing -o jsonpath='{.status.failed}/{.status.active}'
expect "failing: Warning event BackoffLimitExceeded" 0 'Job has reached the specified backoff limit' -- k -n "$NS" get events --field-selector involvedObject.name=failing,reason=BackoffLimitExceeded
expect "failing: table STATUS Failed" 0 'failing +Failed +0/1' -- k -n "$NS" get job failing

# --- Indexed
expect "indexed: completes" 0 'condition met' -- k -n "$NS" wait --for=condition=complete job/indexed --timeout=120s
expect "indexed: completedIndexes 0-2" 0 '^0-2$' -- k -n "$NS" get job indexed -o jsonpath='{.status.completedIndexes}'
for i in 0 1 2; do
  pod=$(k -n "$NS" get pods -l batch.kubernetes.io/job-completion-index=$i,batch.kubernetes.io/job-name=indexed -o name)
  expect "indexed: pod of index $i prints its index and hostname indexed-$i" 0 "^index=$i host=indexed-$i\$" -- k -n "$NS" logs "$pod"
done
expect "kubectl logs job/indexed" 0 '^index=[0-2] host=indexed-[0-2]$' -- k -n "$NS" logs job/indexed

# --- suspend / resume
expect "paused: Suspended, no pod" 0 'Suspended=JobSuspended;' -- cond paused
expect "paused: table STATUS Suspended" 0 'paused +Suspended +0/1' -- k -n "$NS" get job paused
expect "paused: no pod created" 0 'No resources found' -- k -n "$NS" get pods -l batch.kubernetes.io/job-name=paused
expect "paused: resume" 0 'patched' -- k -n "$NS" patch job paused --type=merge -p '{"spec":{"suspend":false}}'
expect "paused: completes once resumed" 0 'condition met' -- k -n "$NS" wait --for=condition=complete job/paused --timeout=60s
expect "paused: Suspended False with JobResumed" 0 'False JobResumed' -- k -n "$NS" get job paused -o jsonpath='{range .status.conditions[?(@.type=="Suspended")]}{.status} {.reason}{end}'

# --- activeDeadlineSeconds
expect "deadline: fails with DeadlineExceeded" 0 'condition met' -- k -n "$NS" wait --for=condition=failed job/deadline --timeout=60s
expect "deadline: reason DeadlineExceeded" 0 'Failed=DeadlineExceeded' -- cond deadline
eventually "deadline: its pod is gone from the engine" 30 '^0$' -- bash -c "docker ps -q --filter label=io.kubernetes.pod.namespace=$NS --filter label=io.kubernetes.container.name=main | xargs -r docker inspect -f '{{index .Config.Labels \"io.kubernetes.pod.name\"}}' | grep -c '^deadline-' || true"

# --- ttlSecondsAfterFinished
eventually "shortlived: deleted after its TTL" 60 'NotFound' -- k -n "$NS" get job shortlived
eventually "shortlived: its pods deleted with it" 30 '^$' -- k -n "$NS" get pods -l batch.kubernetes.io/job-name=shortlived -o name

# --- podFailurePolicy
expect "policy: fails at once" 0 'condition met' -- k -n "$NS" wait --for=condition=failed job/policy --timeout=60s
expect "policy: reason PodFailurePolicy" 0 'FailureTarget=PodFailurePolicy;Failed=PodFailurePolicy;' -- cond policy
expect "policy: message names the container and exit code" 0 'Container main for pod .*/policy-[a-z0-9]+ failed with exit code 42 matching FailJob rule at index 0' -- k -n "$NS" get job policy -o jsonpath='{.status.conditions[?(@.type=="Failed")].message}'

# --- kubectl create job, get all
expect "kubectl explain job.spec.podFailurePolicy" 0 'FIELD: +podFailurePolicy' -- k explain job.spec.podFailurePolicy
expect "kubectl create job" 0 'job.batch/hello created' -- k -n "$NS" create job hello --image=dockube/busybox:test -- echo hello
expect "hello: completes" 0 'condition met' -- k -n "$NS" wait --for=condition=complete job/hello --timeout=60s
expect "kubectl logs job/hello" 0 '^hello$' -- k -n "$NS" logs job/hello
expect "kubectl get all lists jobs" 0 'job.batch/hello +Complete +1/1' -- k -n "$NS" get all
expect "a Job with restartPolicy Always is refused" 1 'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"' -- k -n "$NS" create -f - <<<'{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"bad"},"spec":{"template":{"spec":{"containers":[{"name":"c","image":"dockube/busybox:test"}]}}}}'
k delete ns "$NS" --wait=false >/dev/null 2>&1
