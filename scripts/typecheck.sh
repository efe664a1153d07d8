#!/usr/bin/env bash
# Type-check only the given files (and what they import), so work in progress elsewhere does not get in the way.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d ./.tc-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
files=$(printf '"../%s",' "$@"); files="[${files%,}]"
cat > "$tmp/tsconfig.json" <<JSON
{ "extends": "../tsconfig.json", "compilerOptions": { "noEmit": true, "rootDir": ".." }, "include": [], "files": $files }
JSON
npx tsc -p "$tmp/tsconfig.json"
