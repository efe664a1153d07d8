# Real image pulls from the loopback registries of scripts/ensure-test-registry.sh (open 127.0.0.1:5000,
# basic auth 127.0.0.1:5001): `kubectl run` pulls and describe shows Pulling/Pulled; a private image without
# credentials ends in ErrImagePull/ImagePullBackOff; `kubectl create secret docker-registry` + imagePullSecrets
# (on the pod or on its service account) lets it run; pull policy Never with a missing image is ErrImageNeverPull.
bash "$ROOT/scripts/ensure-test-registry.sh" >/dev/null 2>&1 || fail "ensure-test-registry.sh"
# shellcheck disable=SC1091
. /var/lib/dockube-test-registry/auth.env
# The worker's own tags: another worker's run of this scenario (or jest's pull test) pulls and removes its own.
OPEN=127.0.0.1:5000/test/busybox:w${CONFORMANCE_WORKER_ID:-0}
PRIV=127.0.0.1:5001/private/busybox:w${CONFORMANCE_WORKER_ID:-0}
# Only the registry-named tags: the kubelet must pull them (the image stays as dockube/busybox:test).
docker rmi "$OPEN" "$PRIV" >/dev/null 2>&1
k create ns "$NS" >/dev/null
quick='{"apiVersion":"v1","spec":{"terminationGracePeriodSeconds":1}}'
with_secret='{"apiVersion":"v1","spec":{"terminationGracePeriodSeconds":1,"imagePullSecrets":[{"name":"regcred"}]}}'
re() { sed 's/[.]/\\./g' <<<"$1"; }

expect "kubectl run from the open registry" 0 '^pod/pulled created$' -- \
  k -n "$NS" run pulled --image="$OPEN" --image-pull-policy=IfNotPresent --overrides="$quick" -- sleep 100000
expect "the pulled pod becomes Ready" 0 'pod/pulled condition met' -- k -n "$NS" wait --for=condition=Ready pod/pulled --timeout=60s
expect "get pods: 1/1 Running" 0 '^pulled +1/1 +Running +0 ' -- k -n "$NS" get pod pulled --no-headers
expect "describe shows Pulling" 0 "Normal +Pulling .*kubelet +Pulling image \"$(re "$OPEN")\"" -- k -n "$NS" describe pod pulled
expect "describe shows Pulled with time and size" 0 \
  "Normal +Pulled .*kubelet +Successfully pulled image \"$(re "$OPEN")\" in [0-9.]+m?s \([0-9.]+m?s including waiting\)\. Image size: [0-9]+ bytes\." -- \
  k -n "$NS" describe pod pulled
expect "imageID is the registry digest" 0 '^docker-pullable://127\.0\.0\.1:5000/test/busybox@sha256:[0-9a-f]{64}$' -- \
  k -n "$NS" get pod pulled -o 'jsonpath={.status.containerStatuses[0].imageID}'
expect "the engine now has the image under its registry name" 0 '' -- docker image inspect "$OPEN"

k -n "$NS" run again --image="$OPEN" --image-pull-policy=IfNotPresent --overrides="$quick" -- sleep 100000 >/dev/null
k -n "$NS" wait --for=condition=Ready pod/again --timeout=60s >/dev/null
expect "a present image is not pulled again (IfNotPresent)" 0 "Normal +Pulled .*Container image \"$(re "$OPEN")\" already present on machine" -- \
  k -n "$NS" describe pod again

expect "kubectl run a private image without credentials" 0 '^pod/private created$' -- \
  k -n "$NS" run private --image="$PRIV" --image-pull-policy=IfNotPresent --overrides="$quick" -- sleep 100000
eventually "the private pod shows ErrImagePull or ImagePullBackOff" 30 '^private +0/1 +(ErrImagePull|ImagePullBackOff) ' -- \
  k -n "$NS" get pod private --no-headers
eventually "then ImagePullBackOff" 30 '^private +0/1 +ImagePullBackOff ' -- k -n "$NS" get pod private --no-headers
expect "describe shows the authentication failure" 0 "Warning +Failed .*Failed to pull image \"$(re "$PRIV")\": .*(auth|unauthorized|credentials)" -- \
  k -n "$NS" describe pod private
expect "the waiting message carries the pull error" 0 "^Back-off pulling image \"$(re "$PRIV")\": ErrImagePull: " -- \
  k -n "$NS" get pod private -o 'jsonpath={.status.containerStatuses[0].state.waiting.message}'

expect "kubectl create secret docker-registry" 0 '^secret/regcred created$' -- \
  k -n "$NS" create secret docker-registry regcred --docker-server=127.0.0.1:5001 --docker-username="$REGISTRY_USER" --docker-password="$REGISTRY_PASSWORD"
expect "the secret is of type dockerconfigjson" 0 '^kubernetes\.io/dockerconfigjson$' -- k -n "$NS" get secret regcred -o 'jsonpath={.type}'
expect "kubectl run with imagePullSecrets" 0 '^pod/authed created$' -- \
  k -n "$NS" run authed --image="$PRIV" --image-pull-policy=Always --overrides="$with_secret" -- sleep 100000
expect "the private image is pulled with the secret and runs" 0 'pod/authed condition met' -- k -n "$NS" wait --for=condition=Ready pod/authed --timeout=60s
expect "describe shows the authenticated pull" 0 "Normal +Pulled .*Successfully pulled image \"$(re "$PRIV")\"" -- k -n "$NS" describe pod authed

# The service account's imagePullSecrets are copied onto the pod at admission.
k -n "$NS" create sa puller >/dev/null
k -n "$NS" patch sa puller -p '{"imagePullSecrets":[{"name":"regcred"}]}' >/dev/null
expect "kubectl run with a service account that has the pull secret" 0 '^pod/via-sa created$' -- \
  k -n "$NS" run via-sa --image="$PRIV" --image-pull-policy=Always --overrides='{"apiVersion":"v1","spec":{"terminationGracePeriodSeconds":1,"serviceAccountName":"puller"}}' -- sleep 100000
expect "the pod got the service account's imagePullSecrets" 0 '^regcred$' -- k -n "$NS" get pod via-sa -o 'jsonpath={.spec.imagePullSecrets[*].name}'
expect "and runs" 0 'pod/via-sa condition met' -- k -n "$NS" wait --for=condition=Ready pod/via-sa --timeout=60s

ABSENT=127.0.0.1:5000/test/absent:1
k -n "$NS" run never --image="$ABSENT" --image-pull-policy=Never --overrides="$quick" -- sleep 100000 >/dev/null
eventually "Never with a missing image: ErrImageNeverPull" 30 '^never +0/1 +ErrImageNeverPull ' -- k -n "$NS" get pod never --no-headers
expect "describe shows the Never event" 0 "Warning +ErrImageNeverPull .*Container image \"$(re "$ABSENT")\" is not present with pull policy of Never" -- \
  k -n "$NS" describe pod never

k delete ns "$NS" --wait=false >/dev/null
docker rmi "$OPEN" "$PRIV" >/dev/null 2>&1
true
