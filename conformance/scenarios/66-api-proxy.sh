# The API server proxy with the real kubectl: `kubectl proxy` reaching a service (by port number, and by scheme and
# port name) and a pod; `kubectl get --raw` through services/proxy and pods/proxy; a directory redirect of the backend
# comes back under the proxy prefix, and so do an HTML page's absolute links (`<a href="/other">`, `<img src="/x.png">`;
# relative ones stay); upstream's errors: 503 for a service port that does not exist and for a service without
# endpoints, 404 for a service without an Endpoints object; nodes/proxy's /healthz.
k create ns "$NS" >/dev/null
k -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: web
        image: dockube/busybox:test
        imagePullPolicy: IfNotPresent
        command: [sh, -c, 'mkdir -p /www/sub && echo hello-66 > /www/index.html && echo in-sub > /www/sub/index.html && echo "<html><body><a href=\"/other\">o</a><img src=\"/x.png\"><a href=\"rel\">r</a></body></html>" > /www/links.html && exec httpd -f -p 8080 -h /www']
        ports: [{name: http, containerPort: 8080}]
        readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: idle}
spec:
  selector: {app: nobody-66}
  ports: [{port: 80}]
YAML
eventually "the web pod becomes Ready" 90 '^True$' -- k -n "$NS" get pods -l app=web -o 'jsonpath={.items[0].status.conditions[?(@.type=="Ready")].status}'
POD="$(k -n "$NS" get pods -l app=web -o 'jsonpath={.items[0].metadata.name}')"
eventually "the service's endpoints list the pod" 30 '[0-9]' -- k -n "$NS" get endpoints web -o 'jsonpath={.subsets[0].addresses[0].ip}'

PROXY_PORT="$(free_port)"
"$KCTL" --kubeconfig "$KC" --cache-dir "$CACHE_DIR" proxy --port "$PROXY_PORT" >"$DATA_DIR/66-proxy.log" 2>&1 &
PROXY_PID=$!
eventually "kubectl proxy serves" 20 'Starting to serve' -- cat "$DATA_DIR/66-proxy.log"
P="http://127.0.0.1:$PROXY_PORT/api/v1/namespaces/$NS"
expect "kubectl proxy reaches the service by port number" 0 '^hello-66$' -- curl -sS --max-time 10 "$P/services/web:80/proxy/"
expect "kubectl proxy reaches the service by scheme and port name" 0 '^in-sub$' -- curl -sS --max-time 10 "$P/services/http:web:http/proxy/sub/"
expect "kubectl proxy reaches the pod" 0 '^hello-66$' -- curl -sS --max-time 10 "$P/pods/$POD:8080/proxy/"
expect "kubectl proxy reaches the pod on its first declared port" 0 '^hello-66$' -- curl -sS --max-time 10 "$P/pods/$POD/proxy/"
redirect() { curl -sS --max-time 10 -o /dev/null -w '%{http_code} %{redirect_url}\n' "$P/services/web:80/proxy/sub"; }
expect "the backend's redirect comes back under the proxy prefix" 0 "^30[12] http://127.0.0.1:$PROXY_PORT/api/v1/namespaces/$NS/services/web:80/proxy/sub/\$" -- redirect
links() { curl -sS --max-time 10 "$P/services/web:80/proxy/links.html"; }
expect "an HTML page's absolute links come back under the proxy prefix, relative ones as they were" 0 "<a href=\"/api/v1/namespaces/$NS/services/web:80/proxy/other\">o</a><img src=\"/api/v1/namespaces/$NS/services/web:80/proxy/x.png\"><a href=\"rel\">r</a>" -- links
bare() { curl -sS --max-time 10 -o /dev/null -w '%{http_code} %{redirect_url}\n' "$P/services/web:80/proxy"; }
expect "the bare /proxy is redirected to /proxy/" 0 "^301 .*/services/web:80/proxy/\$" -- bare
kill "$PROXY_PID" 2>/dev/null; wait "$PROXY_PID" 2>/dev/null

R="/api/v1/namespaces/$NS"
expect "get --raw through services/proxy" 0 '^hello-66$' -- k get --raw "$R/services/web:80/proxy/"
expect "get --raw through pods/proxy" 0 '^hello-66$' -- k get --raw "$R/pods/$POD:8080/proxy/index.html"
expect "get --raw of an HTML page through pods/proxy: links under the pod's proxy prefix" 0 "<a href=\"$R/pods/$POD:8080/proxy/other\">o</a><img src=\"$R/pods/$POD:8080/proxy/x.png\">" -- k get --raw "$R/pods/$POD:8080/proxy/links.html"
expect "a port the service does not have: 503" 1 'ServiceUnavailable.*no service port 81 found for service "web"' -- k get --raw "$R/services/web:81/proxy/"
expect "a service without endpoints: 503" 1 'ServiceUnavailable.*no endpoints available for service "idle"' -- k get --raw "$R/services/idle:80/proxy/"
expect "a service without an Endpoints object: 404" 1 'NotFound.*endpoints "ghost" not found' -- k get --raw "$R/services/ghost/proxy/"
NODE="$(k get nodes -o jsonpath='{.items[0].metadata.name}')"
expect "nodes/proxy answers /healthz" 0 '^ok$' -- k get --raw "/api/v1/nodes/$NODE/proxy/healthz"

k delete ns "$NS" --wait=false >/dev/null 2>&1
