# Discovery, version, explain, health: what every kubectl command starts with.
expect "version shows the server" 0 'Server Version: v1\.33' -- k version
expect "api-resources lists core and apps kinds" 0 'deployments +deploy +apps/v1 +true +Deployment' -- k api-resources
expect "api-resources lists short names" 0 'pods +po +v1 +true +Pod' -- k api-resources
expect "api-versions" 0 'coordination.k8s.io/v1' -- k api-versions
expect "explain a nested field" 0 'FIELD: +image <string>' -- k explain pod.spec.containers.image
expect "explain a deployment field" 0 'rollingUpdate' -- k explain deployment.spec.strategy
expect "get --raw /readyz" 0 '^ok$' -- k get --raw /readyz
expect "cluster-info" 0 'is running at .*https://127.0.0.1' -- k cluster-info
expect "unknown resource type" 1 'the server doesn.t have a resource type "foos"' -- k get foos
expect "system namespaces exist" 0 'kube-node-lease +Active' -- k get ns
# The first address of the server's --service-cidr (each conformance worker has its own range).
KUBE_IP="${SERVICE_CIDR%.0.0/16}.0.1"
expect "kubernetes service" 0 "kubernetes +ClusterIP +${KUBE_IP//./\\.} +<none> +443/TCP" -- k get svc kubernetes
eventually "default service account in every namespace" 10 'default' -- k get sa -n kube-public
eventually "root CA config map" 10 'kube-root-ca.crt +1' -- k get cm -n kube-system
expect "node for the docker host" 0 "$(hostname | tr A-Z a-z) +Ready" -- k get nodes
