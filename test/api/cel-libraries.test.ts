// Kubernetes' CEL libraries (URL, IP, CIDR, format, sets) through the real server paths: a ValidatingAdmissionPolicy
// on the service's admission chain, and a CRD's x-kubernetes-validations rule on custom resource writes.
import pino from 'pino';
import { startHarness, type Harness, CM, configMap } from './harness.js';
import { servicePolicyHost, type ServicePolicyHost } from '../../src/admission/policy/host.js';
import { lazyValidatingAdmissionPolicy } from '../../src/admission/policy/lazy-plugin.js';
import { serveCustomResources, type CustomResourceServing } from '../../src/apiextensions/serving.js';
import { startCrdControllers } from '../../src/apiextensions/controller.js';
import { makeContext } from '../../src/reconcilers/context.js';
import type { Controller } from '../../src/reconcilers/controller.js';
import { until } from '../support/until.js';
import { namespacedCrd } from '../support/crd.js';

const log = pino({ level: 'silent' });
let h: Harness;
let host: ServicePolicyHost;
let serving: CustomResourceServing;
let controllers: Controller;
beforeAll(async () => {
  h = await startHarness();
  host = servicePolicyHost(h.service, h.service.authorizer);
  h.service.admission.addValidating(lazyValidatingAdmissionPolicy(host));
  await host.start();
  serving = serveCustomResources(h.service, log);
  await serving.synced;
  controllers = await startCrdControllers(
    makeContext(h.service, log).client({ name: 'system:apiserver', groups: ['system:masters'] }),
    log as never,
  );
});
afterAll(async () => {
  controllers.stop();
  serving.stop();
  host.stop();
  await h.close();
});

const policy = {
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicy',
  metadata: { name: 'network-config' },
  spec: {
    matchConstraints: {
      resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['configmaps'] }],
    },
    matchConditions: [{ name: 'network', expression: "has(object.metadata.labels) && 'network' in object.metadata.labels" }],
    variables: [{ name: 'gateway', expression: "object.data.?gateway.orValue('')" }],
    validations: [
      {
        expression: "isURL(object.data.endpoint) && url(object.data.endpoint).getScheme() == 'https'",
        message: 'endpoint must be an https URL',
      },
      {
        expression: 'isIP(variables.gateway) && ip(variables.gateway).family() == 4 && !ip(variables.gateway).isLoopback()',
        message: 'gateway must be an IPv4 address',
      },
      {
        expression: "cidr('10.0.0.0/8').containsCIDR(object.data.podCIDR)",
        messageExpression: "'podCIDR ' + object.data.podCIDR + ' is outside 10.0.0.0/8'",
      },
      {
        expression: '!format.dns1123Label().validate(object.metadata.name).hasValue()',
        messageExpression: "format.dns1123Label().validate(object.metadata.name).value().join(', ')",
      },
      { expression: "sets.contains(['tcp', 'udp'], object.data.protocols.split(','))", message: 'unknown protocol' },
    ],
  },
};
const binding = {
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicyBinding',
  metadata: { name: 'network-config' },
  spec: { policyName: 'network-config', validationActions: ['Deny'] },
};
const net = (name: string, data: Record<string, string>) => configMap(name, { metadata: { name, labels: { network: 'yes' } }, data });
const good = { endpoint: 'https://example.com/api', gateway: '10.0.0.1', podCIDR: '10.244.0.0/16', protocols: 'tcp,udp' };

test('a ValidatingAdmissionPolicy using isURL, ip, cidr, format and sets admits a good ConfigMap and refuses bad ones', async () => {
  await h.api.post('/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies').send(policy).expect(201);
  await h.api.post('/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings').send(binding).expect(201);
  await h.api.post(CM).send(net('good', good)).expect(201);
  const denied = async (name: string, data: Record<string, string>) =>
    (await h.api.post(CM).send(net(name, data)).expect(422)).body as { reason: string; message: string };
  const prefix = (name: string) =>
    `configmaps "${name}" is forbidden: ValidatingAdmissionPolicy 'network-config' with binding 'network-config' denied request: `;
  expect(await denied('bad-url', { ...good, endpoint: 'example.com/api' })).toMatchObject({
    reason: 'Invalid',
    message: `${prefix('bad-url')}endpoint must be an https URL`,
  });
  expect((await denied('bad-gw', { ...good, gateway: '127.0.0.1' })).message).toBe(`${prefix('bad-gw')}gateway must be an IPv4 address`);
  expect((await denied('bad-cidr', { ...good, podCIDR: '192.168.0.0/16' })).message).toBe(
    `${prefix('bad-cidr')}podCIDR 192.168.0.0/16 is outside 10.0.0.0/8`,
  );
  expect((await denied('bad.name', good)).message).toBe(`${prefix('bad.name')}must not contain dots`);
  expect((await denied('bad-proto', { ...good, protocols: 'tcp,sctp' })).message).toBe(`${prefix('bad-proto')}unknown protocol`);
  // A library's evaluation error is the validation's error (failurePolicy Fail by default).
  const err = await denied('bad-ip', { ...good, podCIDR: '10.0.0.0/40' });
  expect(err.message).toBe(
    `${prefix('bad-ip')}expression 'cidr('10.0.0.0/8').containsCIDR(object.data.podCIDR)' resulted in error: ` +
      'network address parse error during conversion from string: network address parse error during conversion from string: ' +
      'netip.ParsePrefix("10.0.0.0/40"): prefix length out of range',
  );
});

const crd = namespacedCrd(
  'example.com',
  { plural: 'subnets', singular: 'subnet', kind: 'Subnet' },
  {
    type: 'object',
    properties: {
      cidr: {
        type: 'string',
        'x-kubernetes-validations': [
          { rule: 'isCIDR(self) && cidr(self) == cidr(self).masked()', message: 'must be a CIDR without host bits' },
        ],
      },
      gateway: { type: 'string' },
    },
    'x-kubernetes-validations': [
      { rule: 'cidr(self.cidr).containsIP(self.gateway)', fieldPath: '.gateway', message: 'must be in the subnet' },
    ],
  },
);
const S = '/apis/example.com/v1/namespaces/default/subnets';
const subnet = (name: string, spec: Record<string, string>) => ({ apiVersion: 'example.com/v1', kind: 'Subnet', metadata: { name }, spec });

test('a CRD x-kubernetes-validations rule using the CIDR library admits a good custom resource and refuses bad ones', async () => {
  await h.api.post('/apis/apiextensions.k8s.io/v1/customresourcedefinitions').send(crd).expect(201);
  await until(async () => (await h.api.get(S)).status === 200);
  await h.api
    .post(S)
    .send(subnet('good', { cidr: '10.1.0.0/16', gateway: '10.1.0.1' }))
    .expect(201);
  const host = await h.api
    .post(S)
    .send(subnet('host-bits', { cidr: '10.1.0.1/16', gateway: '10.1.0.1' }))
    .expect(422);
  expect(host.body.message).toBe(
    'Subnet.example.com "host-bits" is invalid: spec.cidr: Invalid value: "string": must be a CIDR without host bits',
  );
  const outside = await h.api
    .post(S)
    .send(subnet('outside', { cidr: '10.1.0.0/16', gateway: '10.2.0.1' }))
    .expect(422);
  expect(outside.body.message).toBe(
    'Subnet.example.com "outside" is invalid: spec.gateway: Invalid value: "object": must be in the subnet',
  );
});
