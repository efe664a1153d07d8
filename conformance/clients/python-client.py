# The official Python client (Debian's python3-kubernetes) against dockube: CRUD, a watch, errors.
import sys
from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

kubeconfig, ns = sys.argv[1], sys.argv[2]
config.load_kube_config(config_file=kubeconfig)
core = client.CoreV1Api()
failed = 0

def check(name, cond, why=''):
    global failed
    if cond:
        print(f'ok {name}')
    else:
        failed += 1
        print(f'FAIL {name}: {why}')

core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=ns)))
cm = core.create_namespaced_config_map(ns, client.V1ConfigMap(metadata=client.V1ObjectMeta(name='c1'), data={'a': '1'}))
check('create', cm.metadata.uid is not None)
check('read', core.read_namespaced_config_map('c1', ns).data == {'a': '1'})
core.patch_namespaced_config_map('c1', ns, {'data': {'b': '2'}})
check('patch', core.read_namespaced_config_map('c1', ns).data == {'a': '1', 'b': '2'})
try:
    core.read_namespaced_config_map('nope', ns)
    check('404', False, 'no error')
except ApiException as e:
    check('read missing is 404', e.status == 404, str(e.status))
names = [c.metadata.name for c in core.list_namespaced_config_map(ns).items]
check('list', 'c1' in names, str(names))
w = watch.Watch()
seen = []
for ev in w.stream(core.list_namespaced_config_map, ns, timeout_seconds=2):
    seen.append((ev['type'], ev['object'].metadata.name))
check('watch replays current objects', ('ADDED', 'c1') in seen, str(seen))
core.delete_namespaced_config_map('c1', ns)
core.delete_namespace(ns)
sys.exit(1 if failed else 0)
