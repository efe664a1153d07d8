# A watch resumed from a bookmark's resourceVersion sees exactly what happened after it; a version from
# before a restart is 410 Expired. Raw HTTP (curl), so it runs once, not per kubectl version.
if [ "$KVER" = "1.33" ] || [ -n "${KUBECTL:-}" ]; then
  TOKEN="$(k config view --raw -o jsonpath='{.users[?(@.name=="dockube-admin-token")].user.token}')"
  api() { curl -sN --cacert "$DATA_DIR/pki/ca.crt" -H "Authorization: Bearer $TOKEN" "https://127.0.0.1:$PORT$1"; }
  k create ns "$NS" >/dev/null
  k -n "$NS" create configmap before --from-literal=a=1 >/dev/null
  # The first watch stays quiet until a bookmark (every 10 s) carries the current resourceVersion.
  timeout 15 bash -c "$(declare -f api); TOKEN='$TOKEN' DATA_DIR='$DATA_DIR' PORT='$PORT'; api '/api/v1/namespaces/$NS/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion=$(k -n "$NS" get cm before -o jsonpath='{.metadata.resourceVersion}')' | grep -m1 BOOKMARK" > "$DATA_DIR/bookmark.json"
  expect "idle watch receives a BOOKMARK" 0 '"type":"BOOKMARK"' -- cat "$DATA_DIR/bookmark.json"
  BRV="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).object.metadata.resourceVersion)' "$DATA_DIR/bookmark.json")"
  k -n "$NS" create configmap after --from-literal=a=1 >/dev/null
  timeout 3 bash -c "$(declare -f api); TOKEN='$TOKEN' DATA_DIR='$DATA_DIR' PORT='$PORT'; api '/api/v1/namespaces/$NS/configmaps?watch=true&resourceVersion=$BRV'" > "$DATA_DIR/resumed.json"
  expect "resumed watch sees the later change" 0 '"type":"ADDED".*"name":"after"' -- cat "$DATA_DIR/resumed.json"
  expect "resumed watch does not replay older objects" 1 '' -- grep -q '"name":"before"' "$DATA_DIR/resumed.json"
  k -n "$NS" create configmap later --from-literal=a=1 >/dev/null
  stop_server
  start_server "$DATA_DIR"
  TOKEN="$(k config view --raw -o jsonpath='{.users[?(@.name=="dockube-admin-token")].user.token}')"
  timeout 3 bash -c "$(declare -f api); TOKEN='$TOKEN' DATA_DIR='$DATA_DIR' PORT='$PORT'; api '/api/v1/namespaces/$NS/configmaps?watch=true&resourceVersion=$BRV'" > "$DATA_DIR/expired.json"
  expect "a version older than the window is 410 Expired" 0 '"type":"ERROR".*"code":410' -- cat "$DATA_DIR/expired.json"
fi
