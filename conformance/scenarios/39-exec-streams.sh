# exec, attach and cp with every kubectl, past 31's basics: SPDY/3.1 (v4.channel.k8s.io) with kubectl 1.29, WebSocket
# with 1.30+. A terminal (-t) that takes the client's size, an exit code through a terminal, output and input well past
# SPDY's 64 KiB initial window (spdystream never sends WINDOW_UPDATE, so a server that waited for one would stall),
# stdout and stderr kept apart, binary cp both ways, attach with stdin, and sessions one after another. kubectl 1.27
# (SPDY too) runs it as well:
# kubectl-extra: 1.27
k create ns "$NS" >/dev/null
NODE="$(k get nodes -o jsonpath='{.items[0].metadata.name}')"
k -n "$NS" run shell --image=dockube/busybox:test --image-pull-policy=IfNotPresent --restart=Never \
  --overrides="{\"apiVersion\":\"v1\",\"spec\":{\"nodeName\":\"$NODE\"}}" -- sleep 3600 >/dev/null
eventually "pod shell becomes Ready" 60 '^True$' -- k -n "$NS" get pod shell -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'
k -n "$NS" run attachable --image=dockube/busybox:test --image-pull-policy=IfNotPresent --restart=Never \
  --overrides="{\"apiVersion\":\"v1\",\"spec\":{\"nodeName\":\"$NODE\",\"containers\":[{\"name\":\"attachable\",\"image\":\"dockube/busybox:test\",\"imagePullPolicy\":\"IfNotPresent\",\"command\":[\"cat\"],\"stdin\":true,\"stdinOnce\":true}]}}" >/dev/null
eventually "pod attachable becomes Ready" 60 '^True$' -- k -n "$NS" get pod attachable -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'

# kubectl gets a terminal from script(1); its size is set before kubectl starts, and kubectl sends it on the resize stream.
in_tty() { timeout 30 script -qfec "stty cols 123 rows 45; $KCTL --kubeconfig '$KC' --cache-dir '$CACHE_DIR' -n '$NS' $1" /dev/null </dev/null; }
expect "exec -it: the terminal has the client's size" 0 '45 123' -- in_tty "exec -it shell -- sh -c 'sleep 1; stty size'"
expect "exec -it: the process has a tty" 0 '/dev/pts/' -- in_tty "exec -it shell -- tty"
expect "exec -it: the exit code comes through the terminal session" 4 'exit code 4' -- in_tty "exec -it shell -- sh -c 'exit 4'"

big_out() { k -n "$NS" exec shell -- sh -c 'head -c 3000000 /dev/zero | tr "\0" x' | wc -c; }
expect "exec: 3 MB of output arrive whole" 0 '^ *3000000$' -- big_out
head -c 2000000 /dev/urandom > "$DATA_DIR/39-big.bin"
want="$(md5sum < "$DATA_DIR/39-big.bin" | cut -d' ' -f1)"
big_in() { k -n "$NS" exec -i shell -- md5sum < "$DATA_DIR/39-big.bin"; }
expect "exec -i: 2 MB of stdin arrive whole" 0 "^$want " -- big_in
only_stdout() { k -n "$NS" exec shell -- sh -c 'echo to-out; echo to-err >&2' 2>/dev/null; }
expect "exec: stdout and stderr stay apart (stdout)" 0 '^to-out$' -- only_stdout
only_stderr() { k -n "$NS" exec shell -- sh -c 'echo to-out; echo to-err >&2' 2>&1 >/dev/null; }
expect "exec: stdout and stderr stay apart (stderr)" 0 '^to-err$' -- only_stderr

expect "kubectl cp of a binary file into the pod" 0 '' -- k cp "$DATA_DIR/39-big.bin" "$NS/shell:/tmp/big.bin"
expect "kubectl cp it back out" 0 '' -- k cp "$NS/shell:/tmp/big.bin" "$DATA_DIR/39-back.bin"
expect "the round trip is byte-identical" 0 '' -- cmp "$DATA_DIR/39-big.bin" "$DATA_DIR/39-back.bin"

attach_stdin() { printf 'ping-39\n' | timeout 30 "$KCTL" --kubeconfig "$KC" --cache-dir "$CACHE_DIR" -n "$NS" attach -i attachable; }
expect "attach -i: the main process gets stdin and answers" 0 'ping-39' -- attach_stdin

many() { for i in $(seq 1 10); do k -n "$NS" exec shell -- echo "run-$i" || return 1; done; }
expect "ten exec sessions in a row" 0 '^run-10$' -- many

k delete ns "$NS" --wait=false >/dev/null 2>&1
