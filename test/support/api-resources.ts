// kube-apiserver 1.33's default `kubectl api-resources` (test/fixtures/api-resources/) and what dockube serves of it,
// shared by the API test and conformance scenario 105.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ApiResourceRow {
  name: string;
  shortNames: string[];
  apiVersion: string;
  namespaced: boolean;
  kind: string;
}

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'api-resources');

export const UPSTREAM_1_33: ApiResourceRow[] = JSON.parse(readFileSync(join(DIR, 'kube-apiserver-1.33.json'), 'utf8'));
/** The one list of upstream resources dockube does not serve yet, as `<name>.<group>` (`<name>` for core). */
export const NOT_YET_SERVED: string[] = JSON.parse(readFileSync(join(DIR, 'not-yet-served.json'), 'utf8'));

/** `pods`, `deployments.apps`: the resource's name as kubectl qualifies it. */
export const qualified = (r: Pick<ApiResourceRow, 'name' | 'apiVersion'>) =>
  r.apiVersion.includes('/') ? `${r.name}.${r.apiVersion.split('/')[0]}` : r.name;
