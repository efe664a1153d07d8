#!/usr/bin/env bash
# Runs every conformance scenario against a real dockube server, once per kubectl version (and a scenario's
# "# kubectl-extra: 1.27" versions). Each run has its own server, data dir and namespace, so runs are independent:
# CONFORMANCE_JOBS workers (default: the CPU count, at least 2, at most 4) take them from one queue in parallel (the
# scenarios mostly wait on pods); CONFORMANCE_JOBS=1 runs them one by one with live output.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(conformance/scenarios/*.sh)

# run_scenario FILE: one scenario against a fresh server with the kubectl in $KCTL.
run_scenario() {
  local f="$1"
  KVER="$("$KCTL" version --client -o json 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s).clientVersion;console.log(v.major+"."+v.minor.replace(/\D/g,""))})')"
  SCENARIO="$(basename "$f" .sh)"
  echo "== $SCENARIO (kubectl $KVER)"
  local started=$SECONDS
  CACHE_DIR="$(mktemp -d /tmp/kcache.XXXXXX)"
  start_server || { fail "server start"; return; }
  NS="conf-${CONFORMANCE_WORKER_ID:-0}$RANDOM"
  # shellcheck disable=SC1090
  source "$f"
  stop_server
  remove_pod_containers
  rm -rf "$CACHE_DIR" "$DATA_DIR"
  echo "-- $SCENARIO (kubectl $KVER) took $((SECONDS - started)) s"
  [ -z "${CONFORMANCE_QUEUE:-}" ] || echo "$((SECONDS - started)) $SCENARIO $KVER" >>"$CONFORMANCE_QUEUE.times"
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
  summary
  exit
fi

items=()
for KCTL in $(kubectl_versions); do
  for f in "${scenarios[@]}"; do items+=("$KCTL $f"); done
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
logs=()
pids=()
for ((j = 1; j <= JOBS; j++)); do
  logs+=("$queue.$j.log")
  CONFORMANCE_QUEUE="$queue" CONFORMANCE_WORKER_ID="$j" PASSED=0 FAILED=0 bash "$0" >"$queue.$j.log" 2>&1 &
  pids+=($!)
done
echo "conformance: ${#items[@]} scenario runs on $JOBS workers (output per worker below when each is done)"
for p in "${pids[@]}"; do wait "$p"; done
for ((j = 1; j <= JOBS; j++)); do
  echo "---- worker $j"
  cat "${logs[j - 1]}"
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
