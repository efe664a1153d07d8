// Every name under the data dir (--data-dir, default ./.dockube), in one place. The kubelet's own pod directories
// follow /var/lib/kubelet/pods/<uid>/{volumes,volume-subpaths,containers}. Paths only: no I/O here, so any layer may
// use it (translate's pure volume plan included).
import { posix } from 'node:path';

const { join } = posix;

/** The files and directories at the top of the data dir. */
export function dataDirLayout(root: string) {
  return {
    root,
    /** The SQLite store (WAL files beside it). */
    stateDb: join(root, 'state.db'),
    /** AES-GCM key for secrets at rest (base64, mode 0600). */
    encryptionKey: join(root, 'encryption-key'),
    /** The service account token signing key (EC P-256 PEM, mode 0600). */
    serviceAccountKey: join(root, 'sa.key'),
    /** CA, serving and client certificates (`<name>.crt`, `<name>.key`) and the static tokens. */
    pki: pkiLayout(join(root, 'pki')),
    /** The running server's PID and URL: one server per data dir (src/cli/data-dir-lock.ts). */
    lock: join(root, 'server.lock'),
    /** Where the kubeconfig goes unless --write-kubeconfig says otherwise. */
    kubeconfig: join(root, 'kubeconfig.yaml'),
    /** One directory per pod this node runs. */
    pods: join(root, 'pods'),
    /** A pod's directory. */
    pod: (uid: string) => podLayout(join(root, 'pods', uid)),
  };
}

/** `<data-dir>/pki`. */
export function pkiLayout(dir: string) {
  return {
    dir,
    cert: (name: string) => join(dir, `${name}.crt`),
    key: (name: string) => join(dir, `${name}.key`),
    /** The admin, viewer and monitoring bearer tokens. */
    tokens: join(dir, 'tokens.json'),
  };
}

/** `<data-dir>/pods/<uid>`: the files the kubelet keeps for one pod. */
export function podLayout(dir: string) {
  return {
    dir,
    /** configMap/secret/projected/downwardAPI files, one directory per volume. */
    volume: (name: string) => join(dir, 'volumes', name),
    /** Bind mounts of opened subPaths: `volume-subpaths/<volume>/<container>/<index>`, the paths Docker is given. */
    subPaths: join(dir, 'volume-subpaths'),
    subPath: (volume: string, container: string) => join(dir, 'volume-subpaths', volume, container),
    /** A container's termination-log directory. */
    container: (name: string) => join(dir, 'containers', name),
  };
}
