#!/usr/bin/env bash
# The whole test suite: set-up (npm packages, build, Docker engine, test tools), lint and the tests' type-check, jest,
# then jest and the conformance scenarios (the real kubectl against real dockube servers) side by side.
# DOCKUBE_TEST_SERIAL=1 runs jest first and conformance after it, as before. Each phase's wall time is printed
# ("-- <phase> took N s") and summed up at the end.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
suite_started=$SECONDS
phase_started=$SECONDS
phase_times=()
# phase_done NAME: records and prints the time since the previous phase ended.
phase_done() {
  phase_times+=("$(printf '%5d s  %s' $((SECONDS - phase_started)) "$1")")
  echo "-- $1 took $((SECONDS - phase_started)) s"
  phase_started=$SECONDS
}
"$root/scripts/setup.sh" || exit 1
# The suite needs the engine whatever setup.sh's fast path concluded (one `docker info` when it answers).
"$root/scripts/ensure-docker.sh" || exit 1
"$root/scripts/ensure-test-tools.sh" || exit 1

# Images for pods are built locally (no registry is reachable): busybox-static and our pause container.
"$root/scripts/build-test-images.sh" || exit 1
# Loopback registries (open :5000, basic auth :5001) holding copies of dockube/busybox:test, for real pulls.
"$root/scripts/ensure-test-registry.sh" || exit 1
phase_done "set-up (npm packages, build, engine, test tools, images, registries)"

# Lint and the type-check of the tests (the build type-checks src/, bench/ and conformance/): errors stop the run.
# The three are single-threaded and independent: they run side by side, their outputs printed in this order.
echo "== format (prettier), lint (eslint) and type-check of the tests (tsc)"
checks_dir="$(mktemp -d /tmp/dockube-checks.XXXXXX)"
npx --no-install prettier --check --log-level warn . >"$checks_dir/prettier" 2>&1 &
prettier_pid=$!
npx --no-install eslint . >"$checks_dir/eslint" 2>&1 &
eslint_pid=$!
npx --no-install tsc -p tsconfig.test.json --noEmit >"$checks_dir/tsc" 2>&1 &
tsc_pid=$!
checks_failed=0
wait "$prettier_pid" || { cat "$checks_dir/prettier"; echo "format check failed: run npm run format" >&2; checks_failed=1; }
wait "$eslint_pid"; eslint_rc=$?
cat "$checks_dir/eslint"
[ "$eslint_rc" = 0 ] || { echo "lint failed" >&2; checks_failed=1; }
wait "$tsc_pid" || { cat "$checks_dir/tsc"; echo "the tests do not type-check" >&2; checks_failed=1; }
rm -rf "$checks_dir"
[ "$checks_failed" = 0 ] || exit 1
phase_done "format, lint and type-check"

# --forceExit and a deadline: a test leaving a handle open (or a hung one) fails the run instead of holding CI until
# its limit with nothing printed.
# One worker process, replaced once it holds more than 512 MB between test files: in band (jest's default on 2 cores)
# every file's copy of the server's modules stayed reachable and the heap grew to ~2.8 GB, each major GC marking all
# of it (test/unit: 48 -> 41 CPU-s, peak RSS 1.2 GB -> 0.55 GB).
jest_cmd=(timeout -k 15 "${JEST_DEADLINE_S:-1800}" node --experimental-vm-modules node_modules/jest/bin/jest.js --ci --forceExit
  -w 1 --workerIdleMemoryLimit=512MB)
status=0
# CONFORMANCE_JOBS=1 (the live sequential run) is worker 0, whose service range 10.96 jest's proxy test uses too.
if [ "${DOCKUBE_TEST_SERIAL:-}" = 1 ] || [ "${CONFORMANCE_JOBS:-2}" -le 1 ]; then
  echo "== unit and API tests (jest)"
  "${jest_cmd[@]}" || status=1
  phase_done "jest"
  echo "== conformance (real kubectl against a real server)"
  bash conformance/run.sh || status=1
  phase_done "conformance"
else
  # Jest runs one file at a time (one worker on 2 cores) and mostly waits on the engine, as the conformance workers do: side by
  # side they share nothing that collides. Jest's servers listen on ports the kernel picks, its pod bridges take
  # 10.196-10.199 and its service ranges 10.91, 10.96 and 10.110-10.114 (a conformance worker's is 10.<96+id>,
  # 1 <= id <= 13), while each conformance server picks a free /16 of 10.200-10.255 for its pods; engine objects are
  # labelled per instance or data dir and each side removes only its own. Jest's output is printed when both are done.
  jest_log="$(mktemp /tmp/dockube-jest.XXXXXX)"
  # Jest ends well before conformance (~1,000 s against ~1,900 on 2 cores): a third conformance worker then takes its
  # share of the CPU (conformance/run.sh, CONFORMANCE_EXTRA_WORKER_WHEN).
  jest_done="$jest_log.done"
  (
    "${jest_cmd[@]}" >"$jest_log" 2>&1
    rc=$?
    touch "$jest_done"
    exit $rc
  ) &
  jest_pid=$!
  echo "== conformance (real kubectl against a real server), with jest beside it (its output follows)"
  CONFORMANCE_EXTRA_WORKER_WHEN="$jest_done" bash conformance/run.sh || status=1
  conformance_s=$((SECONDS - phase_started))
  wait "$jest_pid" || status=1
  echo "== unit and API tests (jest)"
  cat "$jest_log"
  rm -f "$jest_log" "$jest_done"
  echo "-- conformance took $conformance_s s"
  phase_done "jest and conformance side by side"
fi
bash scripts/sweep-test-leftovers.sh
echo "suite phases (wall):"
printf '  %s\n' "${phase_times[@]}"
echo "  $((SECONDS - suite_started)) s in all"
exit $status
