// The ValidatingAdmissionPolicy status controller over the client seam (in process, and over HTTP) against the API
// harness: a created policy gets status.observedGeneration 1 and its type-checking warning, a spec update moves it to
// generation 2 with the warning gone, and a metadata-only change (no new generation) is not checked again.
import pino from 'pino';
import { startHarness, type Harness } from '../api/harness.js';
import { makeContext } from '../../src/reconcilers/context.js';
import { startValidatingAdmissionPolicyStatusController } from '../../src/reconcilers/validatingadmissionpolicystatus/controller.js';
import { TypeChecker } from '../../src/admission/policy/typechecking.js';
import { registryTypeCheckHost } from '../../src/admission/policy/typecheck-host.js';
import type { Controller } from '../../src/reconcilers/controller.js';
import type { Gvr } from '../../src/client/types.js';
import type { KObject } from '../../src/machinery/api/meta.js';
import type { HttpClient } from '../../src/client/http-client.js';
import { httpClient } from './clients.js';
import { until } from '../support/until.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const log = pino({ level: 'silent' });
const VAP: Gvr = { group: 'admissionregistration.k8s.io', version: 'v1', resource: 'validatingadmissionpolicies' };

const policy = (name: string, expression: string): KObject => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicy',
  metadata: { name },
  spec: {
    matchConstraints: {
      resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] }],
    },
    validations: [{ expression }],
  },
});

describe.each(['in-process', 'https'])('validatingadmissionpolicy-status over the %s client', (kind) => {
  let h: Harness;
  let c: Controller;
  let api: HttpClient;
  let loads = 0;
  beforeAll(async () => {
    h = await startHarness();
    api = httpClient(h, 'admin');
    const ctx = makeContext(h.service, log, kind === 'https' ? { client: () => api } : {});
    c = await startValidatingAdmissionPolicyStatusController(ctx, async () => {
      loads++;
      return new TypeChecker(registryTypeCheckHost(h.service.registry));
    });
  });
  afterAll(async () => {
    c.stop();
    api.close();
    await h.close();
  });

  test('created: observedGeneration 1 with the warning; spec updated: generation 2, clean', async () => {
    const name = `replicas-${kind}`;
    await api.create(VAP, undefined, policy(name, 'object.spec.replicass <= 5'));
    const first = await until(async () => {
      const p = await api.get(VAP, undefined, name);
      return (p.status as J | undefined)?.observedGeneration === 1 && p;
    });
    expect(first.metadata.generation).toBe(1);
    expect((first.status as J).typeChecking).toEqual({
      expressionWarnings: [
        {
          fieldRef: 'spec.validations[0].expression',
          warning:
            "apps/v1, Kind=Deployment: ERROR: <input>:1:12: undefined field 'replicass'\n | object.spec.replicass <= 5\n | ...........^\n",
        },
      ],
    });

    await api.update(VAP, undefined, { ...first, spec: policy(name, 'object.spec.replicas <= 5').spec });
    const second = await until(async () => {
      const p = await api.get(VAP, undefined, name);
      return (p.status as J | undefined)?.observedGeneration === 2 && p;
    });
    expect(second.metadata.generation).toBe(2);
    expect((second.status as J).typeChecking).toEqual({});

    // A label is no new generation: the status stays as it is.
    const labelled = await api.update(VAP, undefined, { ...second, metadata: { ...second.metadata, labels: { a: 'b' } } });
    expect(labelled.metadata.generation).toBe(2);
    expect(labelled.status).toEqual(second.status);
    expect(loads).toBe(1);
  });
});
