# Container probes: an httpGet readiness probe keeps a pod at 0/1 Running until the file it asks for exists,
# then 1/1; `kubectl describe` shows the Liveness:/Readiness: lines and the Unhealthy events; an exec liveness
# probe that starts failing restarts the container (RESTARTS >= 1, a Killing event).
bash "$ROOT/scripts/build-test-images.sh" >/dev/null 2>&1 || fail "build-test-images.sh"
k create ns "$NS" >/dev/null

cat > "$DATA_DIR/32-probes.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata: {name: ready-web}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: web
    image: dockube/busybox:test
    imagePullPolicy: IfNotPresent
    command: [httpd, -f, -p, "8080", -h, /var/www]
    ports: [{name: http, containerPort: 8080}]
    readinessProbe:
      httpGet: {path: /healthz, port: http}
      periodSeconds: 1
      failureThreshold: 1
---
apiVersion: v1
kind: Pod
metadata: {name: live}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: dockube/busybox:test
    imagePullPolicy: IfNotPresent
    command: [sh, -c, 'touch /tmp/healthy; exec sleep 3600']
    livenessProbe:
      exec: {command: [cat, /tmp/healthy]}
      periodSeconds: 1
      failureThreshold: 2
YAML
expect "apply two probed pods" 0 'pod/ready-web created' -- k -n "$NS" apply -f "$DATA_DIR/32-probes.yaml"

# ---- readiness ----
eventually "not ready: 0/1 Running" 60 'ready-web +0/1 +Running' -- k -n "$NS" get pod ready-web
eventually "Unhealthy readiness event in describe" 20 'Warning +Unhealthy .*Readiness probe failed: HTTP probe failed with statuscode: 404' -- k -n "$NS" describe pod ready-web
expect "describe shows the Readiness: line" 0 'Readiness: +http-get http://:http/healthz delay=0s timeout=1s period=1s #success=1 #failure=1' -- k -n "$NS" describe pod ready-web
expect "Ready condition False" 0 '^False$' -- k -n "$NS" get pod ready-web -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'
expect "kubectl exec creates the served file" 0 '' -- k -n "$NS" exec ready-web -- sh -c 'mkdir -p /var/www && echo ok > /var/www/healthz'
eventually "ready: 1/1 Running" 20 'ready-web +1/1 +Running' -- k -n "$NS" get pod ready-web
expect "kubectl wait --for=condition=Ready" 0 'condition met' -- k -n "$NS" wait --for=condition=Ready pod/ready-web --timeout=20s

# ---- liveness ----
eventually "live becomes Ready" 60 '^True$' -- k -n "$NS" get pod live -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'
expect "describe shows the Liveness: line" 0 'Liveness: +exec \[cat /tmp/healthy\] delay=0s timeout=1s period=1s #success=1 #failure=2' -- k -n "$NS" describe pod live
docker exec "$(docker ps -q --filter "label=io.kubernetes.pod.namespace=$NS" --filter label=io.kubernetes.pod.name=live --filter label=io.kubernetes.container.name=main | head -1)" rm /tmp/healthy \
  || fail "remove /tmp/healthy"
eventually "liveness failure restarts the container (RESTARTS >= 1)" 40 'live +1/1 +Running +[1-9]' -- k -n "$NS" get pod live
eventually "Killing event" 20 'Normal +Killing .*Container main failed liveness probe, will be restarted' -- k -n "$NS" describe pod live
expect "Unhealthy liveness event" 0 'Warning +Unhealthy .*Liveness probe failed: cat: ' -- k -n "$NS" describe pod live
expect "kubectl get events lists Unhealthy" 0 'Unhealthy' -- k -n "$NS" get events --field-selector reason=Unhealthy

k -n "$NS" delete pod ready-web live --wait=false >/dev/null 2>&1
