# Operating dockube as kube-apiserver is operated: /readyz and /livez list their checks (verbose, sub-paths,
# ?exclude), /metrics counts server-side apply as APPLY, every request is one httplog line at info, the kubelet logs
# pod lifecycle lines, and --audit-log-path/--audit-policy-file write audit.k8s.io/v1 Events for a create and a
# denied request.
DK_MAIN="$DOCKUBE_MAIN"
POLICY94="$DATA_DIR/audit-policy.yaml"
AUDIT94="$DATA_DIR/audit/audit.log"
cat >"$POLICY94" <<'YAML'
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
  - level: None
    nonResourceURLs: ["/readyz*", "/livez*", "/healthz*", "/metrics"]
  - level: RequestResponse
    resources: [{ group: "", resources: ["configmaps"] }]
    verbs: ["create"]
  - level: Metadata
    resources: [{ group: "", resources: ["secrets", "configmaps"] }]
  - level: None
YAML
stop_server
rm -f "$KC"
node "$DK_MAIN" server --data-dir "$DATA_DIR" --port "$PORT" --log-level info --service-cidr "$SERVICE_CIDR" \
  --audit-log-path "$AUDIT94" --audit-policy-file "$POLICY94" >>"$DATA_DIR/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 150); do [ -f "$KC" ] && break; sleep 0.1; done

# Health as kube-apiserver's healthz package answers it.
READYZ="$(k get --raw '/readyz?verbose' 2>&1)"
for line in '\[\+\]ping ok' '\[\+\]log ok' '\[\+\]etcd ok' '\[\+\]informer-sync ok' '\[\+\]poststarthook/rbac/bootstrap-roles ok' \
  '\[\+\]docker-engine ok' '\[\+\]shutdown ok' 'readyz check passed'; do
  expect "/readyz?verbose lists ${line//\\/}" 0 "^$line\$" -- printf '%s\n' "$READYZ"
done
expect "/livez?verbose&exclude=etcd" 0 '^\[\+\]etcd excluded: ok$' -- k get --raw '/livez?verbose&exclude=etcd'
expect "an unknown exclude is warned about" 0 'no matches for "nope"' -- k get --raw '/livez?verbose&exclude=nope'
expect "/readyz/etcd answers one check" 0 '^ok$' -- k get --raw /readyz/etcd
expect "/livez/poststarthook/bootstrap-controller" 0 '^ok$' -- k get --raw /livez/poststarthook/bootstrap-controller
expect "an unknown check is a 404" 1 'NotFound|not found' -- k get --raw /readyz/nope
expect "plain /healthz is ok" 0 '^ok$' -- k get --raw /healthz

# A create (RequestResponse) and a denied create (Metadata; never decoded, so its objectRef has no name, as upstream)
# in the audit log; the request log has both.
k create ns "$NS" >/dev/null
expect "create a configmap" 0 'created' -- k -n "$NS" create configmap audited --from-literal=k=v
expect "the viewer may not create secrets" 1 'forbidden' -- k --context dockube-view -n "$NS" create secret generic denied --from-literal=a=b
audit_event() { # audit_event VERB RESOURCE [NAME]: the ResponseComplete event of that request, as one JSON line
  node -e '
    const [file, verb, resource, name] = process.argv.slice(1);
    const lines = require("fs").readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const e = lines.find((e) => e.verb === verb && e.objectRef && e.objectRef.resource === resource &&
      (!name || e.objectRef.name === name) && e.stage === "ResponseComplete");
    if (!e) process.exit(1);
    console.log(JSON.stringify(e));' "$AUDIT94" "$@"
}
eventually "the create is audited" 10 '"level":"RequestResponse"' -- audit_event create configmaps audited
CREATE94="$(audit_event create configmaps audited)"
for field in '"kind":"Event","apiVersion":"audit.k8s.io/v1"' '"auditID":"[0-9a-f-]{36}"' '"requestURI":"/api/v1/namespaces/'"$NS"'/configmaps' \
  '"user":\{"username":"[^"]+","groups":\[[^]]*"system:masters"' '"sourceIPs":\["127.0.0.1"\]' '"userAgent":"kubectl' \
  '"objectRef":\{"resource":"configmaps","namespace":"'"$NS"'","name":"audited","apiVersion":"v1"\}' \
  '"responseStatus":\{"metadata":\{\},"code":201\}' '"requestObject":\{' '"responseObject":\{"kind":"ConfigMap"' \
  '"requestReceivedTimestamp":"[0-9T:.-]{26}Z"' '"authorization.k8s.io/decision":"allow"'; do
  expect "create event: ${field:0:60}" 0 "$field" -- printf '%s\n' "$CREATE94"
done
eventually "the denied create is audited" 10 '"level":"Metadata"' -- audit_event create secrets
DENIED94="$(audit_event create secrets)"
expect "denied event: 403 Forbidden status" 0 '"responseStatus":\{"metadata":\{\},"status":"Failure","message":"secrets is forbidden: User [^,]*cannot create resource[^,]*","reason":"Forbidden"' -- printf '%s\n' "$DENIED94"
expect "denied event: forbid decision" 0 '"authorization.k8s.io/decision":"forbid"' -- printf '%s\n' "$DENIED94"
expect "denied event: no objects at Metadata" 1 '' -- grep -q 'requestObject\|responseObject' <<<"$DENIED94"
expect "level None leaves health requests out" 1 '' -- grep -q '"/readyz' "$AUDIT94"
expect "the request log has the create (httplog fields)" 0 '"verb":"POST","URI":"/api/v1/namespaces/'"$NS"'/configmaps[^"]*","latency":"[0-9.]+(ns|µs|ms|s)","userAgent":"kubectl[^"]*","audit-ID":"[0-9a-f-]+","srcIP":"127.0.0.1:[0-9]+","user":"[^"]+","resp":201' \
  -- grep '"msg":"HTTP"' "$DATA_DIR/server.log"
expect "... and the denial's 403" 0 '"URI":"/api/v1/namespaces/'"$NS"'/secrets[^"]*".*"resp":403' -- grep '"msg":"HTTP"' "$DATA_DIR/server.log"

# Server-side apply is counted as APPLY.
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: applied}\ndata: {a: "1"}\n' | k -n "$NS" apply --server-side -f - >/dev/null
expect "/metrics counts server-side apply as APPLY" 0 'apiserver_request_total\{[^}]*verb="APPLY"[^}]*resource="configmaps"' -- k get --raw /metrics

# The kubelet's pod lifecycle lines.
k -n "$NS" run life --image=dockube/busybox:test --restart=Never --command -- sleep 300 >/dev/null
eventually "the kubelet logs the container start" 60 '"msg":"Container started"' -- grep "\"pod\":\"$NS/life\"" "$DATA_DIR/server.log"
k -n "$NS" delete pod life --wait=false >/dev/null
eventually "... and its kill" 30 '"msg":"Killing container"' -- grep "\"pod\":\"$NS/life\"" "$DATA_DIR/server.log"
