#!/usr/bin/env bash
# Runs every conformance scenario against a real dockube server, once per kubectl version (and a scenario's
# "# kubectl-extra: 1.27" versions; "# kubectl-only: 1.33" limits one to that version). Each run has its own server, data dir and namespace, so runs are independent:
# CONFORMANCE_JOBS workers (default: the CPU count, at least 2, at most 4) take them from one queue in parallel (the
# scenarios mostly wait on pods); CONFORMANCE_JOBS=1 runs them one by one. A run's output is printed when it ends.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(conformance/scenarios/*.sh)

# A run that outlives this many seconds is stopped and counted as failed (the longest take about 2 minutes on a busy
# machine): one hung scenario must not hold the whole suite past CI's limit with nothing printed.
SCENARIO_TIMEOUT="${CONFORMANCE_SCENARIO_TIMEOUT:-600}"

# kill_tree PID: the process and everything under it (kubectl, curl, the scenario's servers), stopped first so that
# nothing forks while the tree is walked.
kill_tree() {
  local child
  kill -STOP "$1" 2>/dev/null
  for child in $(pgrep -P "$1"); do kill_tree "$child"; done
  kill -9 "$1" 2>/dev/null
}

# run_scenario FILE: one scenario against a fresh server with the kubectl in $KCTL. The scenario runs in a subshell
# watched by the worker: its counts come back through a file, and on a timeout the worker kills it and cleans up.
run_scenario() {
  local f="$1" out counts sub started=$SECONDS timed_out=0
  KVER="$("$KCTL" version --client -o json 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s).clientVersion;console.log(v.major+"."+v.minor.replace(/\D/g,""))})')"
  SCENARIO="$(basename "$f" .sh)"
  CACHE_DIR="$(mktemp -d /tmp/kcache.XXXXXX)"
  DATA_DIR="$(mktemp -d /tmp/dockube-conf.XXXXXX)"
  out="$(mktemp /tmp/conformance-out.XXXXXX)"
  counts="$out.counts"
  (
    PASSED=0 FAILED=0 FAILURES=()
    echo "== $SCENARIO (kubectl $KVER)"
    if start_server "$DATA_DIR"; then
      NS="conf-${CONFORMANCE_WORKER_ID:-0}$RANDOM"
      # shellcheck disable=SC1090
      source "$f"
      stop_server
    else
      fail "server start"
    fi
    { echo "$PASSED $FAILED"; [ ${#FAILURES[@]} -eq 0 ] || printf '%s\n' "${FAILURES[@]}"; } >"$counts"
  ) >"$out" 2>&1 &
  sub=$!
  while kill -0 "$sub" 2>/dev/null; do
    if [ $((SECONDS - started)) -ge "$SCENARIO_TIMEOUT" ]; then
      timed_out=1
      kill_tree "$sub"
      break
    fi
    sleep 1
  done
  wait "$sub" 2>/dev/null
  # Servers the scenario started (also those it left behind) are found by their data dir.
  pkill -9 -f -- "--data-dir $DATA_DIR " 2>/dev/null
  if [ -s "$counts" ]; then
    local p f2
    read -r p f2 <"$counts"
    PASSED=$((PASSED + p))
    FAILED=$((FAILED + f2))
    mapfile -t -s 1 -O "${#FAILURES[@]}" FAILURES <"$counts"
  fi
  if [ "$timed_out" = 1 ]; then
    fail "did not finish within $SCENARIO_TIMEOUT s (stopped)" >>"$out"
  elif [ ! -s "$counts" ]; then
    fail "ended without its counts" >>"$out"
  fi
  remove_pod_containers
  rm -rf "$CACHE_DIR" "$DATA_DIR"
  echo "-- $SCENARIO (kubectl $KVER) took $((SECONDS - started)) s" >>"$out"
  # One run's output at a time, as soon as it is done, so that a CI log shows progress even if the suite is cut off.
  if [ -n "${CONFORMANCE_QUEUE:-}" ]; then
    flock "$CONFORMANCE_QUEUE.out.lock" cat "$out"
    echo "$((SECONDS - started)) $SCENARIO $KVER" >>"$CONFORMANCE_QUEUE.times"
  else
    cat "$out"
  fi
  rm -f "$out" "$counts"
}

summary() {
  echo
  if [ ${#FAILURES[@]} -gt 0 ]; then echo "Failures:"; printf '  %s\n' "${FAILURES[@]}"; fi
  echo "conformance: $PASSED passed, $FAILED failed"
  [ "$FAILED" = 0 ]
}

# A worker: takes "<kubectl> <scenario>" lines off the queue until it is empty.
if [ -n "${CONFORMANCE_QUEUE:-}" ]; then
  exec 9>"$CONFORMANCE_QUEUE.lock"
  while :; do
    flock 9
    item="$(head -n 1 "$CONFORMANCE_QUEUE")"
    [ -n "$item" ] && sed -i 1d "$CONFORMANCE_QUEUE"
    flock -u 9
    [ -n "$item" ] || break
    KCTL="${item%% *}"
    run_scenario "${item#* }"
  done
  # What the parent adds up: the counts, and one failure per line.
  echo "$PASSED $FAILED" >"$CONFORMANCE_QUEUE.$CONFORMANCE_WORKER_ID.counts"
  [ ${#FAILURES[@]} -eq 0 ] || printf '%s\n' "${FAILURES[@]}" >"$CONFORMANCE_QUEUE.$CONFORMANCE_WORKER_ID.failures"
  exit
fi

items=()
for KCTL in $(kubectl_versions); do
  for f in "${scenarios[@]}"; do
    # "# kubectl-only: 1.33": a scenario about dockube's own CLI (kubectl barely used) runs with that kubectl alone.
    only="$(sed -n 's/^# kubectl-only: \([0-9.]*\).*/\1/p' "$f")"
    if [ -n "$only" ] && [ -z "${KUBECTL:-}" ] && [ "$(basename "$KCTL")" != "kubectl.$only" ]; then continue; fi
    items+=("$KCTL $f")
  done
done
# A scenario may ask for older kubectls too, when none is forced with $KUBECTL.
if [ -z "${KUBECTL:-}" ]; then
  kdir="$(dirname "$(readlink -f "$(command -v kubectl)")")"
  for f in "${scenarios[@]}"; do
    for v in $(sed -n 's/^# kubectl-extra: //p' "$f"); do
      if [ -x "$kdir/kubectl.$v" ]; then items+=("$kdir/kubectl.$v $f"); else
        SCENARIO="$(basename "$f" .sh)"; KVER="$v"; fail "kubectl.$v is not installed"
      fi
    done
  done
fi

# Longest runs first (seconds from conformance/durations.txt, "<scenario> <seconds>" lines; 60 when unknown), so
# that no worker starts a long scenario last while the others sit idle.
durations="$ROOT/conformance/durations.txt"
if [ -f "$durations" ] && [ ${#items[@]} -gt 1 ]; then
  mapfile -t items < <(for item in "${items[@]}"; do
    s="$(basename "${item#* }" .sh)"
    d="$(awk -v s="$s" '$1 == s { print $2; exit }' "$durations")"
    echo "${d:-60} $item"
  done | sort -s -k1,1nr | cut -d' ' -f2-)
fi

cpus="$(nproc 2>/dev/null || echo 2)"
JOBS="${CONFORMANCE_JOBS:-$((cpus < 2 ? 2 : cpus > 4 ? 4 : cpus))}"
if [ "$JOBS" -le 1 ] || [ ${#items[@]} -le 1 ]; then
  for item in "${items[@]}"; do KCTL="${item%% *}"; run_scenario "${item#* }"; done
  summary
  exit
fi

queue="$(mktemp /tmp/conformance-queue.XXXXXX)"
printf '%s\n' "${items[@]}" >"$queue"
pids=()
echo "conformance: ${#items[@]} scenario runs on $JOBS workers (each run's output as it ends)"
for ((j = 1; j <= JOBS; j++)); do
  CONFORMANCE_QUEUE="$queue" CONFORMANCE_WORKER_ID="$j" PASSED=0 FAILED=0 bash "$0" 2>&1 &
  pids+=($!)
done
# CONFORMANCE_EXTRA_WORKER_WHEN=FILE: one more worker joins once FILE exists (npm test creates it when jest, which
# runs beside conformance and ends first, is done), while runs are still queued.
workers=$JOBS
if [ -n "${CONFORMANCE_EXTRA_WORKER_WHEN:-}" ]; then
  workers=$((JOBS + 1))
  (
    while [ ! -e "$CONFORMANCE_EXTRA_WORKER_WHEN" ] && [ -s "$queue" ]; do sleep 2; done
    if [ -s "$queue" ]; then
      echo "conformance: worker $workers joins (jest is done)"
      CONFORMANCE_QUEUE="$queue" CONFORMANCE_WORKER_ID="$workers" PASSED=0 FAILED=0 exec bash "$0"
    fi
    echo "0 0" >"$queue.$workers.counts"
  ) 2>&1 &
  pids+=($!)
fi
for p in "${pids[@]}"; do wait "$p"; done
for ((j = 1; j <= workers; j++)); do
  if [ -f "$queue.$j.counts" ]; then
    read -r p f <"$queue.$j.counts"
    PASSED=$((PASSED + p))
    FAILED=$((FAILED + f))
  else
    FAILED=$((FAILED + 1))
    FAILURES+=("worker $j ended without its counts")
  fi
  [ -f "$queue.$j.failures" ] && mapfile -t -O "${#FAILURES[@]}" FAILURES <"$queue.$j.failures"
done
if [ -f "$queue.times" ]; then
  echo "slowest runs (seconds):"
  sort -k1,1nr "$queue.times" | head -n 12 | sed 's/^/  /'
fi
rm -f "$queue" "$queue".*
summary
