// The instance label's value: which server's containers and volumes these are, when several servers (data dirs)
// share one Docker engine. Its own module so that the node side (volume provisioner) and the kubelet both name it
// without one loading the other.
import { createHash } from 'node:crypto';

/** The instance label value of the server whose data dir this is: a short hash of the path. */
export const instanceFor = (dataDir: string) => createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
