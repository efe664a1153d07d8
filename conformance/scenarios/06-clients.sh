# Client libraries: @kubernetes/client-node 1.4.0 and the official Python client. Run once (not per kubectl).
if [ "$KVER" = "1.33" ] || [ -n "${KUBECTL:-}" ]; then
  out="$(node "$ROOT/conformance/clients/client-node.mjs" "$KC" "cn-$RANDOM" 2>&1)"; rc=$?
  while read -r line; do case "$line" in ok\ *) pass "client-node: ${line#ok }";; FAIL\ *) fail "client-node: ${line#FAIL }";; esac; done <<<"$out"
  [ $rc = 0 ] || [ -n "$(grep '^FAIL' <<<"$out")" ] || fail "client-node exited $rc" "$out"
  out="$(node "$ROOT/conformance/clients/client-node-long-watch.mjs" "$KC" "lw-$RANDOM" 2>&1)"; rc=$?
  while read -r line; do case "$line" in ok\ *) pass "client-node: ${line#ok }";; FAIL\ *) fail "client-node: ${line#FAIL }";; esac; done <<<"$out"
  [ $rc = 0 ] || [ -n "$(grep '^FAIL' <<<"$out")" ] || fail "client-node long watch exited $rc" "$out"
  out="$(/usr/bin/python3 "$ROOT/conformance/clients/python-client.py" "$KC" "py-$RANDOM" 2>&1)"; rc=$?
  while read -r line; do case "$line" in ok\ *) pass "python: ${line#ok }";; FAIL\ *) fail "python: ${line#FAIL }";; esac; done <<<"$out"
  [ $rc = 0 ] || [ -n "$(grep '^FAIL' <<<"$out")" ] || fail "python client exited $rc" "$out"
fi
