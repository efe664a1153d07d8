# HorizontalPodAutoscaler with the real kubectl on the real engine (kube-controller-manager's podautoscaler, default
# 15 s sync): `kubectl autoscale` on a Deployment whose pods burn CPU (capped at 100m by their limit, 500% of their
# 20m request), a 5 s scale-down stabilization window patched into its behavior; it scales up to maxReplicas with a
# SuccessfulRescale event, the table's TARGETS shows `cpu: N%/50%`, describe shows the behavior and conditions, the
# autoscaling/v1 view carries the CPU target; once the pods stop burning it scales back down to minReplicas.
bash "$ROOT/scripts/build-test-images.sh" >/dev/null 2>&1 || fail "build-test-images.sh"
k create ns "$NS" >/dev/null

cat >"$DATA_DIR/burn.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: burn}
spec:
  replicas: 1
  selector: {matchLabels: {app: burn}}
  template:
    metadata: {labels: {app: burn}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: main
        image: dockube/busybox:test
        command: ["sh", "-c", "while [ ! -f /tmp/idle ]; do :; done; exec sleep 3600"]
        resources:
          requests: {cpu: 20m}
          limits: {cpu: 100m}
YAML
expect "a CPU-burning Deployment" 0 'deployment.apps/burn created' -- k -n "$NS" apply -f "$DATA_DIR/burn.yaml"
expect "kubectl autoscale" 0 'horizontalpodautoscaler.autoscaling/burn autoscaled' -- k -n "$NS" autoscale deployment burn --cpu-percent=50 --min=1 --max=3
expect "a short scale-down stabilization window" 0 'patched' -- k -n "$NS" patch hpa burn --type=merge -p '{"spec":{"behavior":{"scaleDown":{"stabilizationWindowSeconds":5}}}}'
expect "v2 defaults fill the rest of the behavior" 0 '^0/Max/Pods:4:15,Percent:100:15,/5/Percent:100:15,$' -- k -n "$NS" get hpa burn -o \
  jsonpath='{.spec.behavior.scaleUp.stabilizationWindowSeconds}/{.spec.behavior.scaleUp.selectPolicy}/{range .spec.behavior.scaleUp.policies[*]}{.type}:{.value}:{.periodSeconds},{end}/{.spec.behavior.scaleDown.stabilizationWindowSeconds}/{range .spec.behavior.scaleDown.policies[*]}{.type}:{.value}:{.periodSeconds},{end}'
expect "the autoscaling/v1 view: targetCPUUtilizationPercentage and the behavior annotation" 0 '^50 .*"stabilizationWindowSeconds":5' -- k -n "$NS" get horizontalpodautoscalers.v1.autoscaling burn -o \
  jsonpath='{.spec.targetCPUUtilizationPercentage} {.metadata.annotations.autoscaling\.alpha\.kubernetes\.io/behavior}'

eventually "scales up to maxReplicas" 90 '^3$' -- k -n "$NS" get deploy burn -o jsonpath='{.spec.replicas}'
expect "kubectl get hpa: REFERENCE, TARGETS, MINPODS, MAXPODS" 0 'burn +Deployment/burn +cpu: [0-9]+%/50% +1 +3 ' -- k -n "$NS" get hpa
expect "SuccessfulRescale event" 0 'New size: 3; reason: cpu resource utilization \(percentage of request\) above target' -- \
  k -n "$NS" get events --field-selector reason=SuccessfulRescale -o jsonpath='{.items[*].message}'
expect "status: desiredReplicas, lastScaleTime, currentMetrics" 0 '^3/[0-9TZ:-]+/cpu/[0-9]+$' -- k -n "$NS" get hpa burn -o \
  jsonpath='{.status.desiredReplicas}/{.status.lastScaleTime}/{.status.currentMetrics[0].resource.name}/{.status.currentMetrics[0].resource.current.averageUtilization}'
expect "kubectl describe hpa" 0 'Stabilization Window: 5 seconds' -- k -n "$NS" describe hpa burn
expect "describe: conditions" 0 'ScalingActive +True +ValidMetricFound' -- k -n "$NS" describe hpa burn
expect "kubectl get all lists it" 0 'horizontalpodautoscaler.autoscaling/burn' -- k -n "$NS" get all

# The load stops: every pod idles from now on.
eventually "three pods running" 60 '^Running Running Running$' -- k -n "$NS" get pods -l app=burn -o jsonpath='{.items[*].status.phase}'
for p in $(k -n "$NS" get pods -l app=burn -o jsonpath='{.items[*].metadata.name}'); do k -n "$NS" exec "$p" -- touch /tmp/idle; done
eventually "scales back down to minReplicas" 60 '^1$' -- k -n "$NS" get deploy burn -o jsonpath='{.spec.replicas}'
expect "scale-down event" 0 'New size: 1; reason: All metrics below target' -- \
  k -n "$NS" get events --field-selector reason=SuccessfulRescale -o jsonpath='{.items[*].message}'
expect "ScalingLimited at the minimum" 0 'TooFewReplicas' -- k -n "$NS" get hpa burn -o jsonpath='{.status.conditions[?(@.type=="ScalingLimited")].reason}'

cat >"$DATA_DIR/bad.yaml" <<'YAML'
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: bad}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: burn}
  minReplicas: 0
  maxReplicas: 2
YAML
expect "validation: minReplicas at least 1" 1 'spec.minReplicas: Invalid value: 0: must be greater than or equal to 1' -- k -n "$NS" apply -f "$DATA_DIR/bad.yaml"
k delete ns "$NS" --wait=false >/dev/null
