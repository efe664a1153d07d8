// Shared by the mirrors of upstream's conformance tests: each upstream test runs in a namespace of its own (as the
// e2e framework's), so tests in one file cannot see each other's objects.
import type { Harness } from '../harness.js';

export const MERGE = 'application/merge-patch+json';
export const STRATEGIC = 'application/strategic-merge-patch+json';
export const JSON_PATCH = 'application/json-patch+json';

let seq = 0;

/** Creates `<base>-<n>` and returns its name. */
export async function testNamespace(h: Harness, base: string): Promise<string> {
  const name = `${base}-${++seq}-${process.pid % 10000}`;
  await h.api.post('/api/v1/namespaces').send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }).expect(201);
  return name;
}

/** The names of a list answer's items. */
export const names = (list: { items: { metadata: { name: string } }[] }): string[] => list.items.map((i) => i.metadata.name);

/** base64 of a UTF-8 string (Secret data and other []byte fields on the wire). */
export const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** A decoded JSON object of any kind (the tests read fields as upstream's typed clients would). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type J = Record<string, any>;

/** A Node object the scheduler sees as Ready, with room for the tests' pods (no kubelet runs them). */
export async function readyNode(h: Harness, name: string): Promise<void> {
  const capacity = { cpu: '4', memory: '8Gi', pods: '110' };
  await h.api
    .post('/api/v1/nodes')
    .send({
      metadata: { name },
      status: { capacity, allocatable: capacity, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }] },
    })
    .expect(201);
}
