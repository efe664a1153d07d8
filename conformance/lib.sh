#!/usr/bin/env bash
# Shared helpers for conformance scenarios: a real dockube server, the real kubectl, and pass/fail counting.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The server and CLI under test: the bundle bin/dockube runs (scripts/bundle.mjs; it also starts in about half the
# CPU of tsc's output, which counts over ~200 starts), else tsc's output; DOCKUBE_MAIN overrides.
if [ -z "${DOCKUBE_MAIN:-}" ]; then
  DOCKUBE_MAIN="$ROOT/dist/bundle/main.js"
  [ -f "$DOCKUBE_MAIN" ] || DOCKUBE_MAIN="$ROOT/dist/src/cli/main.js"
fi
PASSED=${PASSED:-0}
FAILED=${FAILED:-0}
FAILURES=()

# kubectl binaries to test: $KUBECTL first, else the versioned ones beside the kubectl on PATH.
kubectl_versions() {
  if [ -n "${KUBECTL:-}" ]; then echo "$KUBECTL"; return; fi
  local real dir
  real="$(readlink -f "$(command -v kubectl)")"; dir="$(dirname "$real")"
  for v in 1.33 1.29; do [ -x "$dir/kubectl.$v" ] && echo "$dir/kubectl.$v"; done
  [ -x "$dir/kubectl.1.33" ] || echo "$real"
}

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
# free_host_port: a port in 10000-19999 (below scenario 63's LoadBalancer ports, NodePorts and ephemeral ports), free
# for TCP and UDP on every address, for hostPorts and hostNetwork servers: both kubectl versions' runs of a scenario
# may run at once on this host, so none is fixed.
free_host_port() {
  node -e '
    const net=require("net"),dgram=require("dgram");
    const tryPort=(p)=>new Promise((ok)=>{const t=net.createServer();t.once("error",()=>ok(false));t.listen(p,"0.0.0.0",()=>{
      const u=dgram.createSocket("udp4");u.once("error",()=>{t.close();ok(false)});u.bind(p,"0.0.0.0",()=>{u.close();t.close(()=>ok(true))})})});
    (async()=>{for(;;){const p=10000+Math.floor(Math.random()*10000);if(await tryPort(p)){console.log(p);return}}})()'
}

# start_server [data-dir]: starts dockube in the background and waits for its kubeconfig.
start_server() {
  DATA_DIR="${1:-$(mktemp -d /tmp/dockube-conf.XXXXXX)}"
  PORT="${PORT:-$(free_port)}"
  KC="$DATA_DIR/kubeconfig.yaml"
  rm -f "$KC"
  # Parallel workers share the host's netfilter tables: each gets its own service range, so ClusterIPs never collide.
  SERVICE_CIDR="10.$((96 + ${CONFORMANCE_WORKER_ID:-0})).0.0/16"
  # Each server gets a pod network of its own (POD_GATEWAY below); the node keeps the host's name, as scenarios expect,
  # although another worker's cluster holds it too.
  # CONFORMANCE_SERVER_NODE_FLAGS: node flags for the server only (e.g. --cpu-prof, not allowed in NODE_OPTIONS).
  # shellcheck disable=SC2086
  node ${CONFORMANCE_SERVER_NODE_FLAGS:-} "$DOCKUBE_MAIN" server --data-dir "$DATA_DIR" --port "$PORT" --log-level warn \
    --service-cidr "$SERVICE_CIDR" --node-name "$(hostname | tr A-Z a-z)" >>"$DATA_DIR/server.log" 2>&1 &
  SERVER_PID=$!
  # Up to 60 s: a start takes 1-2 s, but many times that on a machine busy with jest and other workers.
  for _ in $(seq 1 600); do
    if [ -f "$KC" ]; then
      POD_GATEWAY="$(sed -n 's/.*"gateway": "\([0-9.]*\)".*/\1/p' "$DATA_DIR/cluster.json" 2>/dev/null)"
      return 0
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "server did not start; log:" >&2; tail -30 "$DATA_DIR/server.log" >&2
  # A server still starting would hold the port the worker's next runs reuse: stop it, and take a new port next time.
  kill9_server
  PORT=
  return 1
}

stop_server() {
  [ -n "${SERVER_PID:-}" ] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null
  wait "$SERVER_PID" 2>/dev/null
  SERVER_PID=
}

# remove_pod_containers: containers and volumes a scenario's server left on the engine (pods keep running
# across a server stop by design, so the next start can adopt them).
remove_pod_containers() {
  local ids vols nets
  ids="$(docker ps -aq --filter "label=dockube.io/data-dir=$DATA_DIR" 2>/dev/null)"
  [ -n "$ids" ] && docker rm -f $ids >/dev/null 2>&1
  vols="$(docker volume ls -q --filter "label=dockube.io/data-dir=$DATA_DIR" 2>/dev/null)"
  [ -n "$vols" ] && docker volume rm -f $vols >/dev/null 2>&1
  # The cluster's own pod network (src/cli/cluster-identity.ts).
  # A container the engine was still creating for a killed server can hold it a moment longer: then again.
  local try
  for try in 1 2 3 4 5; do
    nets="$(docker network ls -q --filter "label=dockube.io/data-dir=$DATA_DIR" 2>/dev/null)"
    [ -z "$nets" ] && break
    docker network rm $nets >/dev/null 2>&1 && break
    ids="$(docker ps -aq --filter "label=dockube.io/data-dir=$DATA_DIR" 2>/dev/null)"
    [ -n "$ids" ] && docker rm -f $ids >/dev/null 2>&1
    sleep 1
  done
  return 0
}

kill9_server() { kill -9 "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=; }

# k ARGS...: the kubectl under test, with a fresh discovery cache per run.
k() { "$KCTL" --kubeconfig "$KC" --cache-dir "$CACHE_DIR" "$@"; }

pass() { PASSED=$((PASSED + 1)); echo "  ok   $1${CONFORMANCE_TIMING:+ [$SECONDS s]}"; }
fail() { FAILED=$((FAILED + 1)); FAILURES+=("$SCENARIO [$KVER]: $1"); echo "  FAIL $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/       | /' | head -20; }

# expect NAME EXPECTED_RC PATTERN -- CMD...: runs CMD, checks its exit code and that output matches PATTERN (grep -E).
expect() {
  local name="$1" rc_want="$2" pattern="$3"; shift 4
  local out rc
  out="$("$@" 2>&1)"; rc=$?
  if [ "$rc" != "$rc_want" ]; then fail "$name (exit $rc, wanted $rc_want)" "$out"; return 1; fi
  if [ -n "$pattern" ] && ! grep -Eq -- "$pattern" <<<"$out"; then fail "$name (output does not match /$pattern/)" "$out"; return 1; fi
  pass "$name"
}

# eventually NAME TIMEOUT PATTERN -- CMD...: retries CMD until its output matches. Quickly at first, then once a
# second: a kubectl call costs ~0.2 s of CPU, and long waits (CronJob schedules, back-offs) polled at 0.3 s kept a
# core busy per worker.
eventually() {
  local name="$1" timeout="$2" pattern="$3"; shift 4
  local out end=$((SECONDS + timeout)) tries=0
  while :; do
    out="$("$@" 2>&1)"
    if grep -Eq -- "$pattern" <<<"$out"; then pass "$name"; return 0; fi
    [ $SECONDS -ge "$end" ] && { fail "$name (timed out waiting for /$pattern/)" "$out"; return 1; }
    tries=$((tries + 1))
    if [ "$tries" -le 5 ]; then sleep 0.3; elif [ "$tries" -le 15 ]; then sleep 0.6; else sleep 1; fi
  done
}

# busybox_job_spec INDENT SPEC-LINES COMMAND: a JobSpec's lines (SPEC-LINES as given, then a busybox pod template
# running COMMAND with restartPolicy Never), each line prefixed by INDENT: the body of a Job's or a jobTemplate's spec.
busybox_job_spec() {
  { [ -n "$2" ] && printf '%s\n' "$2"
    cat <<YAML
  template:
    spec:
      restartPolicy: Never
      terminationGracePeriodSeconds: 1
      containers:
      - name: main
        image: dockube/busybox:test
        imagePullPolicy: IfNotPresent
        command: [sh, -c, '$3']
YAML
  } | sed "s/^/$1/"
}

# job_yaml NAME SPEC-LINES COMMAND: a batch/v1 Job of busybox running COMMAND.
job_yaml() { printf 'apiVersion: batch/v1\nkind: Job\nmetadata: {name: %s}\nspec:\n' "$1"; busybox_job_spec '' "$2" "$3"; }

# job_conditions NAME: the Job's True conditions as `Type=Reason;...`.
job_conditions() { k -n "$NS" get job "$1" -o jsonpath="{range .status.conditions[?(@.status==\"True\")]}{.type}={.reason};{end}"; }
