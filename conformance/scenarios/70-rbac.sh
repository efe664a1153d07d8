# RBAC with the real kubectl: a new service account can do nothing; `kubectl create role|rolebinding|clusterrole|
# clusterrolebinding` (service account, user and group subjects) let it list pods in its namespace only; describe and
# get -o wide print as on Kubernetes; `auth can-i` (with --as and with the account's own token, --list too);
# `auth reconcile -f` creates, then adds a rule; a user without `escalate` cannot create a role granting more than it
# holds while one with `escalate` can; `bind` lets a user bind a role it does not hold; roleRef is immutable.
# Nothing here leans on the interim fixed policy: every grant checked comes from the bindings made here.
k create ns "$NS" >/dev/null
# kubectl with the token alone: the kubeconfig's client certificate would win over --token (x509 authenticates first).
as_token() { "$KCTL" --kubeconfig /dev/null --cache-dir "$CACHE_DIR" --server "https://127.0.0.1:$PORT" --certificate-authority "$DATA_DIR/pki/ca.crt" --token "$TOKEN" "$@"; }
SA="system:serviceaccount:$NS:ci"
CR="$NS-node-lister" # cluster-scoped names are per run

k -n "$NS" create sa ci >/dev/null
TOKEN="$(k -n "$NS" create token ci)"
expect "a new service account cannot list pods" 1 "User \"$SA\" cannot list resource \"pods\" in API group \"\" in the namespace \"$NS\"" -- as_token -n "$NS" get pods
expect "auth can-i --as a new service account: no" 1 '^no$' -- k auth can-i list pods -n "$NS" --as="$SA"

expect "create role" 0 '^role.rbac.authorization.k8s.io/pod-reader created$' -- k -n "$NS" create role pod-reader --verb=get,list --resource=pods
expect "create rolebinding --serviceaccount" 0 '^rolebinding.rbac.authorization.k8s.io/ci-reads created$' -- \
  k -n "$NS" create rolebinding ci-reads --role=pod-reader --serviceaccount="$NS:ci"
eventually "the bound service account lists pods in its namespace" 10 "No resources found in $NS namespace" -- as_token -n "$NS" get pods
expect "but not in another namespace" 1 "cannot list resource \"pods\" in API group \"\" in the namespace \"default\"" -- as_token -n default get pods
expect "nor other resources in its namespace" 1 "cannot list resource \"secrets\"" -- as_token -n "$NS" get secrets
expect "auth can-i --as the service account: yes in its namespace" 0 '^yes$' -- k auth can-i list pods -n "$NS" --as="$SA"
expect "auth can-i --as the service account: no elsewhere" 1 '^no$' -- k auth can-i list pods -n default --as="$SA"
expect "auth can-i with its own token" 0 '^yes$' -- as_token auth can-i get pods -n "$NS"
expect "auth can-i --list shows the role's rule" 0 '^pods +\[\] +\[\] +\[get list\]' -- as_token auth can-i --list -n "$NS"
expect "auth can-i --list --as shows it too" 0 '^pods +\[\] +\[\] +\[get list\]' -- k auth can-i --list -n "$NS" --as="$SA"

expect "describe role" 0 'pods +\[\] +\[\] +\[get list\]' -- k -n "$NS" describe role pod-reader
expect "describe role has the PolicyRule header" 0 'Resources +Non-Resource URLs +Resource Names +Verbs' -- k -n "$NS" describe role pod-reader
expect "describe rolebinding names the role" 0 'Kind: +Role' -- k -n "$NS" describe rolebinding ci-reads
expect "describe rolebinding lists the subject" 0 "ServiceAccount +ci +$NS" -- k -n "$NS" describe rolebinding ci-reads

expect "create clusterrole" 0 "^clusterrole.rbac.authorization.k8s.io/$CR created\$" -- k create clusterrole "$CR" --verb=list --resource=nodes
expect "create clusterrolebinding" 0 "^clusterrolebinding.rbac.authorization.k8s.io/$CR created\$" -- \
  k create clusterrolebinding "$CR" --clusterrole="$CR" --serviceaccount="$NS:ci" --user=alice --group="$NS-devs"
eventually "a ClusterRoleBinding grants cluster-wide" 10 'NAME' -- as_token get nodes
expect "a user of the ClusterRoleBinding" 0 '^yes$' -- k auth can-i list nodes --as=alice
expect "a group of the ClusterRoleBinding" 0 '^yes$' -- k auth can-i list nodes --as=someone --as-group="$NS-devs"
expect "create rolebinding of a ClusterRole to a user and a group" 0 'rolebinding.rbac.authorization.k8s.io/devs created' -- \
  k -n "$NS" create rolebinding devs --clusterrole="$CR" --user=alice --user=bob --group="$NS-devs"
# A request about one namespace object is in that namespace (RequestInfo), so a RoleBinding there can grant it.
k create clusterrole "$NS-ns-getter" --verb=get --resource=namespaces >/dev/null
k -n "$NS" create rolebinding ns-getter --clusterrole="$NS-ns-getter" --serviceaccount="$NS:ci" >/dev/null
eventually "a RoleBinding grants get on its own namespace object" 10 "^$NS\$" -- as_token get ns "$NS" -o 'jsonpath={.metadata.name}'
expect "but not on another namespace" 1 "namespaces \"default\" is forbidden: User \"$SA\" cannot get resource \"namespaces\" in API group \"\" in the namespace \"default\"" -- as_token get ns default
k delete clusterrole "$NS-ns-getter" >/dev/null
expect "get rolebinding -o wide: the columns" 0 '^NAME +ROLE +AGE +USERS +GROUPS +SERVICEACCOUNTS$' -- k -n "$NS" get rolebinding -o wide
expect "get rolebinding -o wide: a service account binding" 0 "^ci-reads +Role/pod-reader +[0-9]+s +$NS/ci\$" -- k -n "$NS" get rolebinding ci-reads -o wide
expect "get rolebinding -o wide: users and groups" 0 "^devs +ClusterRole/$CR +[0-9]+s +alice, bob +$NS-devs *\$" -- k -n "$NS" get rolebinding devs -o wide
expect "get clusterrolebinding -o wide" 0 "^$CR +ClusterRole/$CR +[0-9]+s +alice +$NS-devs +$NS/ci\$" -- k get clusterrolebinding "$CR" -o wide
expect "get role prints NAME and CREATED AT" 0 '^pod-reader +[0-9]{4}-[0-9]{2}-[0-9]{2}T' -- k -n "$NS" get role pod-reader --no-headers
expect "roleRef cannot change" 1 'cannot change roleRef' -- k -n "$NS" patch rolebinding ci-reads --type=merge -p '{"roleRef":{"name":"other"}}'
expect "a binding's roleRef kind is validated" 1 'Unsupported value: "Robot"' -- \
  k -n "$NS" create -f - <<<"{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"RoleBinding\",\"metadata\":{\"name\":\"bad\"},\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"Robot\",\"name\":\"x\"}}"

# auth reconcile: creates the role and binding, then adds a rule the file gained.
cat >"$DATA_DIR/70-reconcile.yaml" <<YAML
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reconciled, namespace: $NS}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reconciled, namespace: $NS}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reconciled}
subjects:
- {kind: ServiceAccount, name: ci, namespace: $NS}
YAML
expect "auth reconcile creates the role" 0 '^role.rbac.authorization.k8s.io/reconciled reconciled' -- k auth reconcile -f "$DATA_DIR/70-reconcile.yaml"
expect "the reconciled role has its rule" 0 '^ +configmaps +\[\] +\[\] +\[get\]' -- k -n "$NS" describe role reconciled
expect "and the binding exists" 0 "^reconciled +Role/reconciled +[0-9]+s +$NS/ci\$" -- k -n "$NS" get rolebinding reconciled -o wide --no-headers
sed -i 's/verbs: \[get\]}/verbs: [get]}\n- {apiGroups: [""], resources: [secrets], verbs: [list]}/' "$DATA_DIR/70-reconcile.yaml"
expect "auth reconcile again adds the new rule" 0 'reconciled' -- k auth reconcile -f "$DATA_DIR/70-reconcile.yaml"
expect "the role now has both rules" 0 '"resources":\["secrets"\]' -- k -n "$NS" get role reconciled -o 'jsonpath={.rules}'
eventually "the reconciled binding grants the service account" 10 '^yes$' -- as_token auth can-i list secrets -n "$NS"

# Escalation: bob may write roles and bindings in the namespace and get pods, nothing more.
k -n "$NS" create role role-writer --verb=create,get,list,update --resource=roles.rbac.authorization.k8s.io,rolebindings.rbac.authorization.k8s.io >/dev/null
k -n "$NS" create role pod-getter --verb=get --resource=pods >/dev/null
k -n "$NS" create rolebinding bob-writes --role=role-writer --user=bob >/dev/null
k -n "$NS" create rolebinding bob-gets --role=pod-getter --user=bob >/dev/null
eventually "bob may create a role with rules he holds" 10 '^role.rbac.authorization.k8s.io/bob-ok created$' -- k --as=bob -n "$NS" create role bob-ok --verb=get --resource=pods
expect "bob may not create a role granting more than he holds" 1 \
  "roles.rbac.authorization.k8s.io \"too-much\" is forbidden: user \"bob\" \\(groups=\\[\"system:authenticated\"\\]\\) is attempting to grant RBAC permissions not currently held:" -- \
  k --as=bob -n "$NS" create role too-much --verb=get,delete --resource=pods
expect "the refusal lists the missing rule as upstream writes it" 1 '^\{APIGroups:\[""\], Resources:\["pods"\], Verbs:\["delete"\]\}$' -- \
  k --as=bob -n "$NS" create role too-much --verb=get,delete --resource=pods
k -n "$NS" create role escalator --verb=escalate --resource=roles.rbac.authorization.k8s.io >/dev/null
k -n "$NS" create rolebinding bob-escalates --role=escalator --user=bob >/dev/null
eventually "with escalate, bob may" 10 '^role.rbac.authorization.k8s.io/too-much created$' -- k --as=bob -n "$NS" create role too-much --verb=get,delete --resource=pods

# bind: bob does not hold delete on pods, so he may not bind pod-deleter, until he is given bind on that role.
k -n "$NS" create role pod-deleter --verb=delete --resource=pods >/dev/null
expect "bob may not bind a role he does not hold" 1 'rolebindings.rbac.authorization.k8s.io "carol-deletes" is forbidden: user "bob" .* is attempting to grant RBAC permissions not currently held' -- \
  k --as=bob -n "$NS" create rolebinding carol-deletes --role=pod-deleter --user=carol
k -n "$NS" create role secret-reader --verb=get --resource=secrets >/dev/null
k -n "$NS" create role binder --verb=bind --resource=roles.rbac.authorization.k8s.io --resource-name=pod-deleter >/dev/null
k -n "$NS" create rolebinding bob-binds --role=binder --user=bob >/dev/null
eventually "with bind on it, bob may" 10 '^rolebinding.rbac.authorization.k8s.io/carol-deletes created$' -- \
  k --as=bob -n "$NS" create rolebinding carol-deletes --role=pod-deleter --user=carol
expect "bind names one role: binding another is still refused" 1 'attempting to grant RBAC permissions not currently held' -- \
  k --as=bob -n "$NS" create rolebinding carol-reads-secrets --role=secret-reader --user=carol
eventually "carol may now delete pods there" 10 '^yes$' -- k auth can-i delete pods -n "$NS" --as=carol

k delete clusterrolebinding "$CR" >/dev/null
k delete clusterrole "$CR" >/dev/null
eventually "deleting the ClusterRoleBinding takes the grant away" 10 '^no$' -- k auth can-i list nodes --as=alice
