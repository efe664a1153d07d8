// The data dir's names are part of what users and operators see (README: state.db, encryption-key, the pod dirs).
import { dataDirLayout } from '../../src/data-dir.js';

test('the data dir layout names every file as the README does', () => {
  const d = dataDirLayout('/srv/dockube');
  expect([d.stateDb, d.encryptionKey, d.serviceAccountKey, d.kubeconfig, d.pods]).toEqual([
    '/srv/dockube/state.db',
    '/srv/dockube/encryption-key',
    '/srv/dockube/sa.key',
    '/srv/dockube/kubeconfig.yaml',
    '/srv/dockube/pods',
  ]);
  expect([d.pki.cert('ca'), d.pki.key('apiserver'), d.pki.tokens]).toEqual([
    '/srv/dockube/pki/ca.crt',
    '/srv/dockube/pki/apiserver.key',
    '/srv/dockube/pki/tokens.json',
  ]);
});

test('a pod directory holds volumes, subPath mounts and termination logs as the kubelet lays them out', () => {
  const p = dataDirLayout('/srv/dockube').pod('uid-1');
  expect(p.dir).toBe('/srv/dockube/pods/uid-1');
  expect(p.volume('cfg')).toBe('/srv/dockube/pods/uid-1/volumes/cfg');
  expect(p.subPaths).toBe('/srv/dockube/pods/uid-1/volume-subpaths');
  expect(p.subPath('cfg', 'main')).toBe('/srv/dockube/pods/uid-1/volume-subpaths/cfg/main');
  expect(p.container('main')).toBe('/srv/dockube/pods/uid-1/containers/main');
});
