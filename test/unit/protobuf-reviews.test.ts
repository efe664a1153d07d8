// SubjectAccessReview, LocalSubjectAccessReview and TokenReview as protobuf bodies (client-go's delegated
// authentication and authorization send them so), decoded to the JSON upstream's types marshal to.
import { schemaRoot } from '../../src/protobuf/schema.js';
import { decodeKubernetesProtobuf } from '../../src/protobuf/decode.js';

/** A Kubernetes protobuf body: "k8s\0" and a runtime.Unknown carrying the message. */
function envelope(apiVersion: string, kind: string, message: string, value: Record<string, unknown>): Buffer {
  const root = schemaRoot();
  const type = root.lookupType(message);
  const raw = type.encode(type.fromObject(value)).finish();
  const unknown = root.lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
  const body = unknown.encode(unknown.fromObject({ typeMeta: { apiVersion, kind }, raw, contentType: '' })).finish();
  return Buffer.concat([Buffer.from([0x6b, 0x38, 0x73, 0x00]), Buffer.from(body)]);
}

test('a SubjectAccessReview with groups and extra', () => {
  const body = envelope('authorization.k8s.io/v1', 'SubjectAccessReview', 'k8s.io.api.authorization.v1.SubjectAccessReview', {
    spec: {
      user: 'bob',
      groups: ['dev'],
      uid: 'u1',
      extra: { scopes: { items: ['a', 'b'] } },
      resourceAttributes: { namespace: 'ns', verb: 'get', resource: 'pods', name: 'p' },
    },
  });
  const { object } = decodeKubernetesProtobuf(body);
  expect(object).toMatchObject({
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: {
      user: 'bob',
      groups: ['dev'],
      uid: 'u1',
      extra: { scopes: ['a', 'b'] },
      resourceAttributes: { namespace: 'ns', verb: 'get', resource: 'pods', name: 'p' },
    },
  });
});

test('a LocalSubjectAccessReview and a TokenReview', () => {
  const local = decodeKubernetesProtobuf(
    envelope('authorization.k8s.io/v1', 'LocalSubjectAccessReview', 'k8s.io.api.authorization.v1.LocalSubjectAccessReview', {
      metadata: { namespace: 'ns' },
      spec: { groups: ['g'], nonResourceAttributes: { path: '/healthz', verb: 'get' } },
    }),
  );
  expect(local.object).toMatchObject({
    metadata: { namespace: 'ns' },
    spec: { groups: ['g'], nonResourceAttributes: { path: '/healthz', verb: 'get' } },
  });
  const review = decodeKubernetesProtobuf(
    envelope('authentication.k8s.io/v1', 'TokenReview', 'k8s.io.api.authentication.v1.TokenReview', {
      spec: { token: 'abc', audiences: ['vault'] },
    }),
  );
  expect(review.object).toMatchObject({ kind: 'TokenReview', spec: { token: 'abc', audiences: ['vault'] } });
});
