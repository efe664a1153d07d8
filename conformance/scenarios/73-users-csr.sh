# Users of a shared dockube, as on Kubernetes: a user certificate minted by `dockube kubeconfig --user --group` and one
# signed through a CertificateSigningRequest (openssl + kubectl certificate approve) authenticate as CN in their O
# groups and get exactly what their group's bindings grant; a denied CSR gets no certificate; approving needs `approve`
# on the signer; --token-auth-file users; legacy service-account-token Secrets are populated and their token works
# until the account goes; `kubectl create token` tokens bound to a pod expire and die with it.
DK_MAIN="$DOCKUBE_MAIN"
dockube() { node "$DK_MAIN" "$@"; }
API="https://127.0.0.1:$PORT"
# kubectl with explicit credentials and no kubeconfig (whose admin certificate would win).
as_cert() { local c="$1" key="$2"; shift 2; "$KCTL" --kubeconfig /dev/null --cache-dir "$CACHE_DIR" --server "$API" --certificate-authority "$DATA_DIR/pki/ca.crt" --client-certificate "$c" --client-key "$key" "$@"; }
as_token() { local t="$1"; shift; "$KCTL" --kubeconfig /dev/null --cache-dir "$CACHE_DIR" --server "$API" --certificate-authority "$DATA_DIR/pki/ca.crt" --token "$t" "$@"; }

# --token-auth-file is read at start: restart this scenario's server with one.
TOKEN_FILE="$DATA_DIR/tokens.csv"
printf '%s\n' "static-$NS,token-user,4242,\"dev,qa\"" "other-$NS,carol,4243" >"$TOKEN_FILE"
stop_server
rm -f "$KC"
node "$DK_MAIN" server --data-dir "$DATA_DIR" --port "$PORT" --log-level warn --service-cidr "$SERVICE_CIDR" \
  --token-auth-file "$TOKEN_FILE" >>"$DATA_DIR/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do [ -f "$KC" ] && break; sleep 0.1; done
expect "a token-auth-file user authenticates with its uid and groups" 0 'token-user' -- as_token "static-$NS" auth whoami
expect "whoami shows the token user's uid" 0 '4242' -- as_token "static-$NS" auth whoami
expect "whoami shows the token user's groups" 0 '\[dev qa system:authenticated\]' -- as_token "static-$NS" auth whoami
expect "a token not in the file is refused" 1 'Unauthorized|must be logged in' -- as_token "nope-$NS" auth whoami
BAD_DIR="$(mktemp -d /tmp/dockube-badtok.XXXXXX)"
echo 'only,two' >"$BAD_DIR/bad.csv"
expect "a malformed token file stops the server with upstream's message" 1 "must have at least 3 columns \(token, user name, user uid\), found 2" -- \
  timeout 60 node "$DK_MAIN" server --data-dir "$BAD_DIR" --port 0 --log-level warn --service-cidr "$SERVICE_CIDR" --proxy-mode none --token-auth-file "$BAD_DIR/bad.csv"
expect "a missing token file too, worded as Go" 1 "^Error: open $BAD_DIR/missing.csv: no such file or directory\$" -- \
  timeout 60 node "$DK_MAIN" server --data-dir "$BAD_DIR" --port 0 --log-level warn --service-cidr "$SERVICE_CIDR" --proxy-mode none --token-auth-file "$BAD_DIR/missing.csv"
rm -rf "$BAD_DIR"

# dockube kubeconfig: from the data dir alone; refuses a dir without a CA.
EMPTY_DIR="$(mktemp -d /tmp/dockube-noca.XXXXXX)"
expect "kubeconfig refuses a data dir without a CA" 1 'no cluster CA in .*pki' -- dockube kubeconfig --user alice --data-dir "$EMPTY_DIR"
rmdir "$EMPTY_DIR"
expect "kubeconfig --user needs a user" 2 'required flag\(s\) "user" not set' -- dockube kubeconfig --data-dir "$DATA_DIR"
ALICE_KC="$DATA_DIR/alice.yaml"
expect "kubeconfig mints alice in group dev" 0 'written to' -- dockube kubeconfig --user alice --group dev --data-dir "$DATA_DIR" --out "$ALICE_KC"
alice() { "$KCTL" --kubeconfig "$ALICE_KC" --cache-dir "$CACHE_DIR" "$@"; }
expect "alice's kubeconfig names the server" 0 "server: $API" -- cat "$ALICE_KC"
expect "alice authenticates as alice" 0 'Username +alice' -- alice auth whoami
expect "alice is in group dev" 0 'Groups +\[dev system:authenticated\]' -- alice auth whoami

# A CSR made with openssl for dan in group dev, approved by the admin, signed by the cluster CA.
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$DATA_DIR/dan.key" -subj "/O=dev/CN=dan" \
  -out "$DATA_DIR/dan.csr" 2>/dev/null
openssl req -new -newkey rsa:2048 -nodes -keyout "$DATA_DIR/eve.key" -subj "/CN=eve" -out "$DATA_DIR/eve.csr" 2>/dev/null
csr_yaml() {
  cat <<YAML
apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata: {name: $1-$NS}
spec:
  request: $(base64 -w0 "$DATA_DIR/$1.csr")
  signerName: kubernetes.io/kube-apiserver-client
  expirationSeconds: 86400
  usages: [client auth]
YAML
}
csr_yaml dan >"$DATA_DIR/dan-csr.yaml"
csr_yaml eve >"$DATA_DIR/eve-csr.yaml"
expect "create a CSR" 0 "certificatesigningrequest.certificates.k8s.io/dan-$NS created" -- k create -f "$DATA_DIR/dan-csr.yaml"
expect "get csr shows kubectl's columns" 0 'NAME +AGE +SIGNERNAME +REQUESTOR +REQUESTEDDURATION +CONDITION' -- k get csr "dan-$NS"
expect "a new CSR is Pending, requested by the admin, for 24h" 0 "dan-$NS +[0-9a-z]+ +kubernetes.io/kube-apiserver-client +dockube-admin +24h +Pending" -- k get csr "dan-$NS"
expect "the requester's groups are recorded" 0 'system:masters' -- k get csr "dan-$NS" -o 'jsonpath={.spec.groups}'
expect "a bad request is refused with upstream's validation" 1 'spec.usages\[0\]: Unsupported value: "bogus"' -- \
  sh -c "sed 's/\[client auth\]/[bogus]/; s/name: dan/name: junk/' '$DATA_DIR/dan-csr.yaml' | '$KCTL' --kubeconfig '$KC' --cache-dir '$CACHE_DIR' create -f -"
expect "approve the CSR" 0 "certificatesigningrequest.certificates.k8s.io/dan-$NS approved" -- k certificate approve "dan-$NS"
eventually "the signer issues the certificate" 30 'Approved,Issued' -- k get csr "dan-$NS"
k get csr "dan-$NS" -o 'jsonpath={.status.certificate}' | base64 -d >"$DATA_DIR/dan.crt"
expect "the certificate is for O=dev, CN=dan, from the cluster CA" 0 'OK' -- openssl verify -CAfile "$DATA_DIR/pki/ca.crt" "$DATA_DIR/dan.crt"
expect "dan authenticates with the signed certificate" 0 'Username +dan' -- as_cert "$DATA_DIR/dan.crt" "$DATA_DIR/dan.key" auth whoami
expect "dan is in group dev" 0 'Groups +\[dev system:authenticated\]' -- as_cert "$DATA_DIR/dan.crt" "$DATA_DIR/dan.key" auth whoami

expect "create a second CSR" 0 'created' -- k create -f "$DATA_DIR/eve-csr.yaml"
expect "deny it" 0 "certificatesigningrequest.certificates.k8s.io/eve-$NS denied" -- k certificate deny "eve-$NS"
sleep 1
expect "a denied CSR shows Denied" 0 "eve-$NS .* Denied\$" -- k get csr "eve-$NS"
expect "a denied CSR gets no certificate" 0 '^$' -- k get csr "eve-$NS" -o 'jsonpath={.status.certificate}'
expect "kubectl will not approve a denied CSR" 1 'is already Denied' -- k certificate approve "eve-$NS"
# Nor will the server, when a client tries anyway (as kubectl certificate approve would write it).
expect "the server refuses Approved beside Denied" 1 'Approved and Denied conditions are mutually exclusive' -- \
  sh -c "'$KCTL' --kubeconfig '$KC' --cache-dir '$CACHE_DIR' get csr 'eve-$NS' -o json | node -e 'let s=\"\";process.stdin.on(\"data\",d=>s+=d).on(\"end\",()=>{const o=JSON.parse(s);o.status.conditions.push({type:\"Approved\",status:\"True\",reason:\"Manual\"});console.log(JSON.stringify(o))})' | '$KCTL' --kubeconfig '$KC' --cache-dir '$CACHE_DIR' replace --raw '/apis/certificates.k8s.io/v1/certificatesigningrequests/eve-$NS/approval' -f -"

# Kubelet client requests: auto-approved when the requester may create certificatesigningrequests/nodeclient (the
# admin may), then signed; one whose subject is not a node's stays Pending.
kubelet_csr() {
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$DATA_DIR/$1.key" -subj "$2" -out "$DATA_DIR/$1.csr" 2>/dev/null
  cat <<YAML | k create -f - >/dev/null
apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata: {name: $1-$NS}
spec:
  request: $(base64 -w0 "$DATA_DIR/$1.csr")
  signerName: kubernetes.io/kube-apiserver-client-kubelet
  usages: [digital signature, client auth]
YAML
}
kubelet_csr node1 "/O=system:nodes/CN=system:node:node1"
kubelet_csr notnode "/O=dev/CN=system:node:node2"
eventually "a kubelet client CSR is auto-approved and issued" 30 "node1-$NS .* Approved,Issued\$" -- k get csr "node1-$NS"
expect "with upstream's reason" 0 '^AutoApproved$' -- k get csr "node1-$NS" -o 'jsonpath={.status.conditions[?(@.type=="Approved")].reason}'
expect "one whose subject is not a node's stays Pending" 0 "notnode-$NS .* Pending\$" -- k get csr "notnode-$NS"

# Legacy service account token Secrets (the tokens controller).
k create ns "$NS" >/dev/null
k -n "$NS" create sa legacy >/dev/null
cat <<YAML | k apply -f - >/dev/null
apiVersion: v1
kind: Secret
metadata:
  name: legacy-token
  namespace: $NS
  annotations: {kubernetes.io/service-account.name: legacy}
type: kubernetes.io/service-account-token
YAML
eventually "the token Secret gets token, ca.crt and namespace" 30 '^ca.crt namespace token$' -- \
  sh -c "'$KCTL' --kubeconfig '$KC' --cache-dir '$CACHE_DIR' -n '$NS' get secret legacy-token -o json | node -e 'let s=\"\";process.stdin.on(\"data\",d=>s+=d).on(\"end\",()=>console.log(Object.keys(JSON.parse(s).data||{}).sort().join(\" \")))'"
expect "and the service account's uid annotation" 0 "^$(k -n "$NS" get sa legacy -o 'jsonpath={.metadata.uid}')\$" -- \
  k -n "$NS" get secret legacy-token -o 'jsonpath={.metadata.annotations.kubernetes\.io/service-account\.uid}'
expect "its namespace key holds the namespace" 0 "^$NS\$" -- sh -c "'$KCTL' --kubeconfig '$KC' --cache-dir '$CACHE_DIR' -n '$NS' get secret legacy-token -o 'jsonpath={.data.namespace}' | base64 -d"
LEGACY="$(k -n "$NS" get secret legacy-token -o 'jsonpath={.data.token}' | base64 -d)"
expect "the legacy token authenticates as the service account" 0 "system:serviceaccount:$NS:legacy" -- as_token "$LEGACY" auth whoami
expect "in its groups" 0 "system:serviceaccounts:$NS" -- as_token "$LEGACY" auth whoami
k -n "$NS" delete sa legacy >/dev/null
eventually "the token Secret goes with its service account" 30 'NotFound|not found' -- k -n "$NS" get secret legacy-token
expect "and its token no longer authenticates" 1 'Unauthorized|must be logged in' -- as_token "$LEGACY" auth whoami

# kubectl create token, bound to a pod, with an expiry.
NODE="$(k get nodes -o jsonpath='{.items[0].metadata.name}')"
k -n "$NS" run holder --image=dockube/busybox:test --image-pull-policy=IfNotPresent --overrides="{\"apiVersion\":\"v1\",\"spec\":{\"nodeName\":\"$NODE\"}}" -- sleep 3600 >/dev/null
eventually "the default service account exists" 30 '^default$' -- k -n "$NS" get sa default -o 'jsonpath={.metadata.name}'
BOUND="$(k -n "$NS" create token default --duration=15m --bound-object-kind Pod --bound-object-name holder 2>&1)"
expect "a bound token authenticates as the service account, with the pod in its extra" 0 'authentication.kubernetes.io/pod-name.*holder' -- as_token "$BOUND" auth whoami
expect "it expires as asked (exp - iat = 900)" 0 '^900$' -- node -e 'const c=JSON.parse(Buffer.from(process.argv[1].split(".")[1],"base64url"));console.log(c.exp-c.iat)' "$BOUND"
k -n "$NS" delete pod holder --grace-period=0 --force >/dev/null 2>&1
eventually "the bound token dies with its pod" 30 'Unauthorized|must be logged in' -- as_token "$BOUND" auth whoami

# Exactly the group's bindings (RBAC): nothing before, list pods in $NS after binding group dev to a Role.
expect "alice cannot list pods before a binding" 1 "User \"alice\" cannot list resource \"pods\" in API group \"\" in the namespace \"$NS\"" -- alice -n "$NS" get pods
expect "role pod-reader" 0 'created' -- k -n "$NS" create role pod-reader --verb=get,list,watch --resource=pods
expect "bind group dev to it" 0 'created' -- k -n "$NS" create rolebinding dev-pod-reader --role=pod-reader --group=dev
eventually "alice (minted, group dev) lists pods in $NS" 10 '^yes$' -- alice -n "$NS" auth can-i list pods
expect "alice lists pods" 0 'No resources found|NAME' -- alice -n "$NS" get pods
expect "dan (CSR, group dev) lists pods in $NS" 0 '^yes$' -- as_cert "$DATA_DIR/dan.crt" "$DATA_DIR/dan.key" -n "$NS" auth can-i list pods
expect "the token-auth-file user in dev lists pods too" 0 '^yes$' -- as_token "static-$NS" -n "$NS" auth can-i list pods
expect "carol (not in dev) may not" 1 '^no$' -- as_token "other-$NS" -n "$NS" auth can-i list pods
expect "alice may not list pods in default" 1 '^no$' -- alice -n default auth can-i list pods
expect "alice may not create pods" 1 "cannot create resource \"pods\"" -- alice -n "$NS" run x --image=dockube/busybox:test
expect "alice may not read secrets" 1 "cannot list resource \"secrets\"" -- alice -n "$NS" get secrets

# Approving needs approve on the signer: alice may update approvals but holds no signer.
k create clusterrole "csr-approval-$NS" --verb=get,list,update --resource=certificatesigningrequests,certificatesigningrequests/approval >/dev/null
k create clusterrolebinding "alice-csr-$NS" --clusterrole="csr-approval-$NS" --user=alice >/dev/null
k create -f "$DATA_DIR/dan-csr.yaml" --dry-run=client -o yaml | sed "s/name: dan-$NS/name: frank-$NS/" | k create -f - >/dev/null
eventually "alice may update approvals" 10 '^yes$' -- alice auth can-i update certificatesigningrequests/approval
expect "but approving needs approve on the signer" 1 'user not permitted to approve requests with signerName "kubernetes.io/kube-apiserver-client"' -- alice certificate approve "frank-$NS"
# signers are not a served resource (kubectl create clusterrole would look them up): the role is applied as YAML.
cat <<YAML | k apply -f - >/dev/null
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: signer-approver-$NS}
rules:
- {apiGroups: [certificates.k8s.io], resources: [signers], resourceNames: ['kubernetes.io/*'], verbs: [approve]}
YAML
k create clusterrolebinding "alice-signer-$NS" --clusterrole="signer-approver-$NS" --user=alice >/dev/null
eventually "with approve on kubernetes.io/* she may" 10 'approved' -- alice certificate approve "frank-$NS"
eventually "and the signer issues it" 30 'Approved,Issued' -- k get csr "frank-$NS"
