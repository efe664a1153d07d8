# The bootstrap RBAC policy with the real kubectl: the default roles and bindings are there (`get clusterroles`); a
# new service account can do nothing but discover and review itself; a pod's own mounted token can neither read
# secrets nor create a privileged pod in kube-system; the dockube-view user is bound to `view` (pods yes, secrets
# no); a ClusterRole labelled aggregate-to-edit shows up in `edit`, and an edit RoleBinding grants deployments; a
# restart puts back a rule deleted from an autoupdate=true role and keeps a user's rule in an autoupdate=false one.
k create ns "$NS" >/dev/null
as_token() { "$KCTL" --kubeconfig /dev/null --cache-dir "$CACHE_DIR" --server "https://127.0.0.1:$PORT" --certificate-authority "$DATA_DIR/pki/ca.crt" --token "$TOKEN" "$@"; }
SA="system:serviceaccount:$NS:x"
# How many times TEXT appears in the rules of ClusterRole NAME (0 when none).
count_in_rules() { k get clusterrole "$1" -o 'jsonpath={.rules}' | { grep -o -- "$2" || true; } | wc -l; }

for role in cluster-admin admin edit view system:discovery system:basic-user system:public-info-viewer system:node \
  system:kube-scheduler system:kube-controller-manager system:controller:replicaset-controller system:controller:job-controller; do
  expect "get clusterroles lists $role" 0 "^$role +[0-9]{4}-" -- k get clusterroles --no-headers
done
expect "the bootstrap roles are labelled rbac-defaults" 0 '^system:controller:deployment-controller$' -- \
  k get clusterroles -l kubernetes.io/bootstrapping=rbac-defaults -o 'jsonpath={range .items[*]}{.metadata.name}{"\n"}{end}'
expect "controller bindings name their service account" 0 '^kube-system/deployment-controller$' -- \
  k get clusterrolebinding system:controller:deployment-controller -o 'jsonpath={.subjects[0].namespace}/{.subjects[0].name}'

k -n "$NS" create sa x >/dev/null
TOKEN="$(k -n "$NS" create token x)"
expect "a new service account cannot list pods, worded as Kubernetes" 1 \
  "^Error from server \(Forbidden\): pods is forbidden: User \"$SA\" cannot list resource \"pods\" in API group \"\" in the namespace \"$NS\"\$" -- as_token -n "$NS" get pods
list="$(as_token auth can-i --list -n "$NS" 2>&1)"
resources="$(awk 'NR > 1 && $1 !~ /^\[/ {print $1}' <<<"$list" | sort | tr '\n' ' ')"
if [ "$resources" = "selfsubjectaccessreviews.authorization.k8s.io selfsubjectreviews.authentication.k8s.io selfsubjectrulesreviews.authorization.k8s.io " ]; then
  pass "auth can-i --list of a new service account: the self reviews only"
else fail "auth can-i --list of a new service account: the self reviews only (got: $resources)" "$list"; fi
expect "auth can-i --list of a new service account: discovery URLs" 0 '\[/apis/\*\] +\[\] +\[get\]' -- printf '%s\n' "$list"

# A pod's own token, read from its projected volume, used from outside.
k -n "$NS" run tok --image=dockube/busybox:test --restart=Never -- sleep 3600 >/dev/null
k -n "$NS" create secret generic hidden --from-literal=a=b >/dev/null
eventually "the pod runs" 60 '^Running$' -- k -n "$NS" get pod tok -o 'jsonpath={.status.phase}'
TOKEN="$(k -n "$NS" exec tok -- cat /var/run/secrets/kubernetes.io/serviceaccount/token)"
POD_SA="system:serviceaccount:$NS:default"
expect "a pod's own token cannot read secrets" 1 "secrets \"hidden\" is forbidden: User \"$POD_SA\" cannot get resource \"secrets\" in API group \"\" in the namespace \"$NS\"" -- \
  as_token -n "$NS" get secret hidden
cat >"$DATA_DIR/71-privileged.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: escape, namespace: kube-system}
spec:
  hostPID: true
  containers: [{name: c, image: dockube/busybox:test, securityContext: {privileged: true}}]
YAML
expect "a pod's own token cannot create a privileged pod in kube-system" 1 \
  "pods is forbidden: User \"$POD_SA\" cannot create resource \"pods\" in API group \"\" in the namespace \"kube-system\"" -- as_token create -f "$DATA_DIR/71-privileged.yaml"
expect "nor list pods in its own namespace" 1 "cannot list resource \"pods\"" -- as_token -n "$NS" get pods

expect "the view user lists pods" 0 'tok' -- k --context dockube-view -n "$NS" get pods
expect "the view user cannot get secrets" 1 "secrets \"hidden\" is forbidden: User \"dockube-viewer\" cannot get resource \"secrets\"" -- \
  k --context dockube-view -n "$NS" get secret hidden
expect "the view user is bound to view" 0 '^view$' -- k get clusterrolebinding dockube:viewers -o 'jsonpath={.roleRef.name}'

# Aggregation: a user ClusterRole labelled aggregate-to-edit joins edit (and admin); an edit RoleBinding grants deployments.
CR="$NS-widgets"
k create clusterrole "$CR" --verb=get,list --resource=configmaps --resource-name=widgets >/dev/null
k label clusterrole "$CR" rbac.authorization.k8s.io/aggregate-to-edit=true >/dev/null
eventually "a ClusterRole labelled aggregate-to-edit appears in edit's rules" 10 '"resourceNames":\["widgets"\]' -- k get clusterrole edit -o 'jsonpath={.rules}'
eventually "and in admin's (edit aggregates into admin)" 10 '"resourceNames":\["widgets"\]' -- k get clusterrole admin -o 'jsonpath={.rules}'
expect "but not in view's" 0 '^0$' -- count_in_rules view widgets
k -n "$NS" create rolebinding x-edit --clusterrole=edit --serviceaccount="$NS:x" >/dev/null
TOKEN="$(k -n "$NS" create token x)"
eventually "an edit RoleBinding grants creating deployments" 10 'deployment.apps/web created' -- \
  as_token -n "$NS" create deployment web --image=dockube/busybox:test -- sleep 3600
expect "edit reads secrets in its namespace" 0 'hidden' -- as_token -n "$NS" get secrets
expect "edit does not manage roles" 1 'cannot create resource "roles"' -- as_token -n "$NS" create role r --verb=get --resource=pods
k delete clusterrole "$CR" >/dev/null
eventually "a deleted aggregated role leaves edit" 10 '^0$' -- count_in_rules edit widgets

# Restart: the bootstrap reconciliation adds back what was deleted from autoupdate=true roles, and leaves
# autoupdate=false ones as their owner left them.
k patch clusterrole system:basic-user --type=json -p '[{"op":"replace","path":"/rules","value":[]}]' >/dev/null
k annotate --overwrite clusterrole system:monitoring rbac.authorization.kubernetes.io/autoupdate=false >/dev/null
k patch clusterrole system:monitoring --type=json -p '[{"op":"add","path":"/rules/-","value":{"nonResourceURLs":["/debug/custom"],"verbs":["get"]}}]' >/dev/null
k patch clusterrole system:monitoring --type=json -p '[{"op":"remove","path":"/rules/0"}]' >/dev/null
stop_server
start_server "$DATA_DIR"
expect "restart restores a deleted rule of an autoupdate=true role" 0 'selfsubjectaccessreviews' -- k get clusterrole system:basic-user -o 'jsonpath={.rules}'
expect "restart keeps the user's rule of an autoupdate=false role" 0 '/debug/custom' -- k get clusterrole system:monitoring -o 'jsonpath={.rules}'
expect "and does not put back what its owner removed" 0 '^0$' -- count_in_rules system:monitoring /metrics/slis
k -n "$NS" delete pod tok --grace-period=0 --force >/dev/null 2>&1
k delete ns "$NS" --wait=false >/dev/null
