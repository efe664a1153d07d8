# Watches: get -w sees changes; rollout-style waits end on the right event; delete --wait completes.
k create ns "$NS" >/dev/null
k -n "$NS" create configmap w1 --from-literal=a=1 >/dev/null
( k -n "$NS" get cm -w --output-watch-events > "$DATA_DIR/watch.out" 2>&1 & echo $! > "$DATA_DIR/watch.pid" )
sleep 1
k -n "$NS" create configmap w2 --from-literal=a=1 >/dev/null
k -n "$NS" patch cm w1 -p '{"data":{"a":"2"}}' >/dev/null
k -n "$NS" delete cm w2 >/dev/null
eventually "get -w shows ADDED, MODIFIED and DELETED" 10 'DELETED +w2' -- cat "$DATA_DIR/watch.out"
expect "watch saw the modification" 0 'MODIFIED +w1' -- cat "$DATA_DIR/watch.out"
kill "$(cat "$DATA_DIR/watch.pid")" 2>/dev/null
expect "wait --for=delete on a missing object" 0 '' -- k -n "$NS" wait --for=delete cm/nothing --timeout=5s
( sleep 1; k -n "$NS" label cm w1 ready=yes >/dev/null ) &
expect "wait for a jsonpath condition" 0 'condition met' -- k -n "$NS" wait --for=jsonpath='{.metadata.labels.ready}'=yes cm/w1 --timeout=20s
expect "namespace deletion waits until empty" 0 "namespace \"$NS\" deleted" -- k delete ns "$NS" --timeout=30s
expect "namespace is gone" 1 'NotFound' -- k get ns "$NS"
