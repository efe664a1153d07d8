#!/usr/bin/env bash
# The whole test suite: set-up (npm packages, build, Docker engine, test tools), lint and the tests' type-check, jest,
# then the conformance scenarios with the real kubectl against a real dockube server.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
"$root/scripts/setup.sh" || exit 1
"$root/scripts/ensure-test-tools.sh" || exit 1

# Images for pods are built locally (no registry is reachable): busybox-static and our pause container.
"$root/scripts/build-test-images.sh" || exit 1
# Loopback registries (open :5000, basic auth :5001) holding copies of dockube/busybox:test, for real pulls.
"$root/scripts/ensure-test-registry.sh" || exit 1

# Lint and the type-check of the tests (the build type-checks src/, bench/ and conformance/): errors stop the run.
echo "== format (prettier), lint (eslint) and type-check of the tests (tsc)"
npx --no-install prettier --check --log-level warn . || { echo "format check failed: run npm run format" >&2; exit 1; }
npx --no-install eslint . || { echo "lint failed" >&2; exit 1; }
npx --no-install tsc -p tsconfig.test.json --noEmit || { echo "the tests do not type-check" >&2; exit 1; }

status=0
echo "== unit and API tests (jest)"
node --experimental-vm-modules node_modules/jest/bin/jest.js --ci || status=1
echo "== conformance (real kubectl against a real server)"
bash conformance/run.sh || status=1
exit $status
