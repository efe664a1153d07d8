# CronJobs with the real kubectl on the real engine (kube-controller-manager's cronjob controller): a CronJob every
# minute runs at least twice, its Jobs named `<cronjob>-<minutes>` with the scheduled-timestamp annotation; Forbid
# skips a start while the previous Job runs (JobAlreadyActive), Replace deletes it for the new one; successfulJobsHistoryLimit 1 prunes the older Job;
# suspend starts nothing; `kubectl create cronjob`, `kubectl create job --from=cronjob/x`, the table and validation.
# All CronJobs run side by side: two minute boundaries bound the run (about two minutes).
bash "$ROOT/scripts/build-test-images.sh" >/dev/null 2>&1 || fail "build-test-images.sh"
k create ns "$NS" >/dev/null

# cronjob NAME SPEC-LINES COMMAND
cronjob() {
  printf 'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: %s}\nspec:\n  schedule: "* * * * *"\n%s\n  jobTemplate:\n    spec:\n' "$1" "$2"
  busybox_job_spec '    ' '  backoffLimit: 0' "$3"
}
{
  cronjob every '  timeZone: Europe/Paris' 'echo tick'
  echo ---
  cronjob forbid '  concurrencyPolicy: Forbid' 'sleep 100'
  echo ---
  cronjob history '  successfulJobsHistoryLimit: 1' 'echo tock'
  echo ---
  cronjob replace '  concurrencyPolicy: Replace' 'sleep 100'
  echo ---
  cronjob paused '  suspend: true' 'echo never'
} > "$DATA_DIR/cronjobs.yaml"
expect "apply five CronJobs" 0 'cronjob.batch/every created' -- k -n "$NS" apply -f "$DATA_DIR/cronjobs.yaml"
expect "kubectl create cronjob" 0 'cronjob.batch/made created' -- k -n "$NS" create cronjob made --image=dockube/busybox:test --schedule='@hourly' -- echo made
expect "table: SCHEDULE, TIMEZONE, SUSPEND, ACTIVE, LAST SCHEDULE" 0 'every +\* \* \* \* \* +Europe/Paris +False +0 +<none>' -- k -n "$NS" get cronjobs
expect "short name cj; the suspended one shows True" 0 'paused +\* \* \* \* \* +<none> +True' -- k -n "$NS" get cj paused
expect "an unparseable schedule is refused" 1 'spec.schedule: Invalid value: "every minute"' -- k -n "$NS" create cronjob bad --image=dockube/busybox:test --schedule='every minute'

# --- create job --from=cronjob (right away, not scheduled)
expect "kubectl create job --from=cronjob/every" 0 'job.batch/manual created' -- k -n "$NS" create job manual --from=cronjob/every
expect "manual: completes" 0 'condition met' -- k -n "$NS" wait --for=condition=complete job/manual --timeout=60s
expect "manual: instantiate annotation and the CronJob as owner" 0 '^manual CronJob/every$' -- k -n "$NS" get job manual -o jsonpath='{.metadata.annotations.cronjob\.kubernetes\.io/instantiate} {.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}'

# --- two minute boundaries
scheduled() { k -n "$NS" get jobs -o jsonpath='{range .items[*]}{.metadata.ownerReferences[0].name}{" "}{.metadata.name}{" "}{.metadata.annotations.batch\.kubernetes\.io/cronjob-scheduled-timestamp}{"\n"}{end}' | grep "^$1 $1-"; }
created_events() { k -n "$NS" get events --field-selector "involvedObject.name=$1,reason=SuccessfulCreate" -o jsonpath='{range .items[*]}{.message}{" x"}{.count}{"\n"}{end}'; }
eventually "every: a first Job at the minute" 75 "^every every-[0-9]+ " -- scheduled every
eventually "every: a second Job at the next minute" 75 "^every every-[0-9]+ .*
every every-[0-9]+ " -- scheduled every
expect "every: names are minutes since the epoch, the annotation the time in Paris" 0 '^every every-[0-9]{8} 20[0-9-]+T[0-9:]+\+0[12]:00$' -- bash -c "$(declare -f k scheduled); KCTL='$KCTL' KC='$KC' CACHE_DIR='$CACHE_DIR' NS='$NS'; scheduled every | head -1"
name=$(scheduled every | head -1 | cut -d' ' -f2)
minutes=${name#every-}
expect "every: the annotation is the named minute" 0 "^$(date -u -d "@$((minutes * 60))" +%H:%M)" -- bash -c "TZ=UTC date -u -d \"\$(k() { '$KCTL' --kubeconfig '$KC' --cache-dir '$CACHE_DIR' \"\$@\"; }; k -n '$NS' get job '$name' -o jsonpath='{.metadata.annotations.batch\.kubernetes\.io/cronjob-scheduled-timestamp}')\" +%H:%M"
eventually "every: lastScheduleTime and lastSuccessfulTime set" 60 '^[0-9T:-]+Z [0-9T:-]+Z$' -- k -n "$NS" get cj every -o jsonpath='{.status.lastScheduleTime} {.status.lastSuccessfulTime}'

# --- Forbid: the first Job still runs at the second minute
eventually "forbid: the second start is skipped (JobAlreadyActive)" 60 'Not starting job because prior execution is running and concurrency policy is Forbid' -- k -n "$NS" get events --field-selector involvedObject.name=forbid,reason=JobAlreadyActive -o jsonpath='{.items[*].message}'
expect "forbid: one Job only, active in status" 0 '^1 1$' -- bash -c "$(declare -f k scheduled); KCTL='$KCTL' KC='$KC' CACHE_DIR='$CACHE_DIR' NS='$NS'; echo \$(scheduled forbid | wc -l) \$(k -n '$NS' get cj forbid -o jsonpath='{.status.active[*].name}' | wc -w)"

# --- Replace: the running Job is deleted for the new one
eventually "replace: the first Job deleted at the second start" 60 'Deleted job replace-[0-9]+' -- k -n "$NS" get events --field-selector involvedObject.name=replace,reason=SuccessfulDelete -o jsonpath='{.items[*].message}'
eventually "replace: one active Job, the newer one" 30 '^replace-[0-9]+$' -- k -n "$NS" get cj replace -o jsonpath='{.status.active[*].name}'

# --- history limit 1: the older successful Job goes
eventually "history: two starts, the older Job deleted (SuccessfulDelete)" 60 'Deleted job history-[0-9]+' -- k -n "$NS" get events --field-selector involvedObject.name=history,reason=SuccessfulDelete -o jsonpath='{.items[*].message}'
eventually "history: one Job kept" 30 '^1$' -- bash -c "$(declare -f k scheduled); KCTL='$KCTL' KC='$KC' CACHE_DIR='$CACHE_DIR' NS='$NS'; scheduled history | wc -l"

# --- suspended: nothing
expect "paused: never started a Job" 0 '^$' -- bash -c "$(declare -f k scheduled); KCTL='$KCTL' KC='$KC' CACHE_DIR='$CACHE_DIR' NS='$NS'; scheduled paused || true"
expect "kubectl describe cronjob" 0 'Concurrency Policy: +Forbid' -- k -n "$NS" describe cronjob forbid
expect "kubectl explain cronjob.spec.timeZone" 0 'timeZone' -- k explain cronjob.spec.timeZone
expect "kubectl get all lists cronjobs" 0 'cronjob.batch/every +\* \* \* \* \*' -- k -n "$NS" get all
k delete ns "$NS" --wait=false >/dev/null 2>&1
