# Start-up errors as a new user meets them: each is one line saying what is wrong and what to do, exit code 1, and
# the data dir is left as it was (a fresh one not even created). One server per data dir: a second is refused with the
# first one's PID, and a server killed with -9 leaves a lock the next start takes over. The set-up script never starts
# a Docker daemon for an engine DOCKER_HOST names, never a second one, and never truncates the daemon's log.
# kubectl-only: 1.33 (the subject is dockube's CLI; kubectl only reads)
DK_MAIN="$DOCKUBE_MAIN"
dk() { timeout 60 node "$DK_MAIN" "$@"; }
TMP90="$(mktemp -d /tmp/dockube-90.XXXXXX)"
chmod 755 "$TMP90"
# one_line NAME PATTERN -- CMD...: CMD exits 1 with exactly one line of output, matching PATTERN.
one_line() {
  local name="$1" pattern="$2"; shift 3
  local out rc
  out="$("$@" 2>&1)"; rc=$?
  if [ "$rc" != 1 ]; then fail "$name (exit $rc, wanted 1)" "$out"; return; fi
  if [ "$(printf '%s\n' "$out" | wc -l)" != 1 ]; then fail "$name (not one line)" "$out"; return; fi
  if ! grep -Eq -- "$pattern" <<<"$out"; then fail "$name (output does not match /$pattern/)" "$out"; return; fi
  pass "$name"
}
untouched() { if [ -e "$1" ]; then fail "$2: $1 was created" "$(ls -la "$1")"; else pass "$2: nothing written"; fi; }

one_line "a port in use names the server holding it" \
  "^Error: port $PORT on 127.0.0.1 is already in use by pid $SERVER_PID \(.*main\.js server .*\): stop that process or choose another --port\$" -- \
  dk server --data-dir "$TMP90/port" --port "$PORT"
untouched "$TMP90/port" "port in use"

LIVE_BEFORE="$(cd "$DATA_DIR" && ls -A | sort | tr '\n' ' ')"
one_line "a second server on a data dir is refused with the first one's PID" \
  "^Error: data dir $DATA_DIR is in use by another dockube server \(pid $SERVER_PID, https://127.0.0.1:$PORT\); stop it \('dockube stop --data-dir $DATA_DIR'\) or choose another --data-dir\$" -- \
  dk server --data-dir "$DATA_DIR" --port 0
expect "the first server still answers" 0 '^default' -- k get ns default --no-headers
expect "the live data dir is as it was" 0 "^$LIVE_BEFORE\$" -- bash -c "cd '$DATA_DIR' && ls -A | sort | tr '\n' ' '"

one_line "an engine that does not answer at --docker-host" \
  "^Error: no Docker engine answers at unix://$TMP90/nope.sock \(ENOENT\): start Docker, or point --docker-host or DOCKER_HOST at a running engine\$" -- \
  dk server --data-dir "$TMP90/engine" --port 0 --docker-host "unix://$TMP90/nope.sock"
untouched "$TMP90/engine" "engine not answering"
one_line "... or at DOCKER_HOST" "^Error: no Docker engine answers at tcp://127.0.0.1:1 \(ECONNREFUSED\)" -- \
  env DOCKER_HOST=tcp://127.0.0.1:1 timeout 60 node "$DK_MAIN" server --data-dir "$TMP90/engine" --port 0
untouched "$TMP90/engine" "DOCKER_HOST not answering"

touch "$TMP90/file"
one_line "a data dir under a file" "^Error: cannot create --data-dir $TMP90/file/d: $TMP90/file is not a directory\$" -- \
  dk server --data-dir "$TMP90/file/d" --port 0

# Permissions: as another user (root writes anywhere and may use any socket).
if [ "$(id -u)" = 0 ]; then as_other() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }; else as_other() { "$@"; }; fi
mkdir -p "$TMP90/ro" && chmod 555 "$TMP90/ro"
one_line "a data dir that is not writable" \
  "^Error: --data-dir $TMP90/ro is not writable by uid [0-9]+: fix its owner or permissions, or choose another --data-dir\$" -- \
  as_other timeout 60 node "$DK_MAIN" server --data-dir "$TMP90/ro" --port 0
expect "... and it stays empty" 0 '^$' -- ls -A "$TMP90/ro"
one_line "a data dir that cannot be created" "^Error: cannot create --data-dir $TMP90/ro/d: $TMP90/ro is not writable by uid [0-9]+" -- \
  as_other timeout 60 node "$DK_MAIN" server --data-dir "$TMP90/ro/d" --port 0
if [ "$(id -u)" = 0 ]; then
  mkdir -p "$TMP90/mine" && chown 65534 "$TMP90/mine"
  one_line "a Docker socket without permission suggests the docker group" \
    "^Error: permission denied on the Docker socket /var/run/docker.sock: add your user to the docker group \(sudo usermod -aG docker \\\$USER, then log in again\) or run as root\$" -- \
    as_other timeout 60 node "$DK_MAIN" server --data-dir "$TMP90/mine/d" --port 0 --docker-host unix:///var/run/docker.sock
  expect "... and writes nothing" 0 '^$' -- ls -A "$TMP90/mine"
fi

# A server killed with -9 leaves its lock behind: the next start takes it over.
KILLED="$TMP90/killed"
KPORT="$(free_port)"
node "$DK_MAIN" server --data-dir "$KILLED" --port "$KPORT" --log-level warn --service-cidr "$SERVICE_CIDR" --proxy-mode none >"$TMP90/killed.log" 2>&1 &
KPID=$!
eventually "a second server starts on its own data dir" 60 "running, pid $KPID, https" -- dk status --data-dir "$KILLED"
kill -9 "$KPID"; wait "$KPID" 2>/dev/null
expect "the lock of a killed server stays, naming it" 0 "\"pid\":$KPID" -- cat "$KILLED/server.lock"
expect "status says it no longer runs (exit 3)" 3 'not running' -- dk status --data-dir "$KILLED"
node "$DK_MAIN" server --data-dir "$KILLED" --port "$KPORT" --log-level warn --service-cidr "$SERVICE_CIDR" --proxy-mode none >>"$TMP90/killed.log" 2>&1 &
KPID2=$!
eventually "the next start takes the stale lock over" 60 "running, pid $KPID2, https" -- dk status --data-dir "$KILLED"
expect "stop ends it" 0 "stopped \(pid $KPID2\)" -- dk stop --data-dir "$KILLED"
expect "and releases the lock" 1 '' -- test -e "$KILLED/server.lock"
wait "$KPID2" 2>/dev/null
dk delete --data-dir "$KILLED" >/dev/null # its pod network

# The set-up path: a DOCKER_HOST (or --docker-host) naming another engine never gets a daemon of ours.
DAEMONS="$(pgrep -cx dockerd || true)"
LOG_SIZE="$(stat -c %s /var/log/dockerd.log 2>/dev/null || echo 0)"
# (ensure-docker.sh is setup.sh's engine step; setup.sh exports --docker-host as DOCKER_HOST for it.)
expect "with a DOCKER_HOST that does not answer it fails, starting nothing" 1 \
  "no Docker engine answers at unix://$TMP90/other.sock; start that engine, or unset DOCKER_HOST/--docker-host" -- \
  env DOCKER_HOST="unix://$TMP90/other.sock" bash "$ROOT/scripts/ensure-docker.sh"
expect "... and with a tcp:// one" 1 "no Docker engine answers at tcp://127.0.0.1:1;" -- \
  env DOCKER_HOST=tcp://127.0.0.1:1 bash "$ROOT/scripts/ensure-docker.sh"
expect "setup.sh hands --docker-host on" 0 'export DOCKER_HOST="\$docker_host"' -- grep -F 'export DOCKER_HOST="$docker_host"' "$ROOT/scripts/setup.sh"
expect "no second dockerd was started" 0 "^$DAEMONS\$" -- bash -c 'pgrep -cx dockerd || true'
expect "the daemon's log was not truncated" 0 '^ok$' -- bash -c "[ \"\$(stat -c %s /var/log/dockerd.log 2>/dev/null || echo 0)\" -ge $LOG_SIZE ] && echo ok"
grep -q '>>"\$log"' "$ROOT/scripts/ensure-docker.sh" && pass "ensure-docker.sh appends to the daemon's log" || fail "ensure-docker.sh appends to the daemon's log"

rm -rf "$TMP90"
