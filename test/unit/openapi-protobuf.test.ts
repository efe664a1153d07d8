// /openapi/v2 in gnostic's protobuf form: the JSON document walked into gnostic's model (ordered maps, TypeItem,
// ItemsItem, parameters by `in`, $refs, vendor extensions as YAML) and served for kubectl 1.27/1.28's Accept.
import express from 'express';
import request from 'supertest';
import { decodeOpenapiV2Protobuf, openapiV2Protobuf } from '../../src/openapi/proto-v2.js';
import { openapiRouter } from '../../src/api/openapi-routes.js';
import { RESOURCES } from '../../src/registry/resources/index.js';

const DOC = {
  swagger: '2.0',
  info: { title: 'Kubernetes', version: 'v1.33.0' },
  paths: {
    '/api/v1/namespaces/{namespace}/pods': {
      get: {
        operationId: 'listCoreV1NamespacedPod',
        parameters: [{ in: 'query', name: 'limit', type: 'integer', uniqueItems: true }],
        responses: { '200': { description: 'OK', schema: { $ref: '#/definitions/io.k8s.api.core.v1.PodList' } } },
        'x-kubernetes-action': 'list',
      },
      post: { parameters: [{ in: 'body', name: 'body', required: true, schema: { $ref: '#/definitions/io.k8s.api.core.v1.Pod' } }] },
      parameters: [{ $ref: '#/parameters/namespace' }, { in: 'path', name: 'namespace', type: 'string', required: true }],
    },
  },
  definitions: {
    'io.k8s.api.core.v1.Pod': {
      type: 'object',
      required: ['spec'],
      properties: {
        spec: { $ref: '#/definitions/io.k8s.api.core.v1.PodSpec' },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        list: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
        phase: { type: 'string', enum: ['Pending', 'Running'] },
      },
      'x-kubernetes-group-version-kind': [{ group: '', kind: 'Pod', version: 'v1' }],
    },
  },
  securityDefinitions: { BearerToken: { type: 'apiKey', name: 'authorization', in: 'header', description: 'Bearer' } },
  security: [{ BearerToken: [] }],
};

test('the JSON document as gnostic models it', () => {
  const d = decodeOpenapiV2Protobuf(openapiV2Protobuf(JSON.stringify(DOC)));
  expect(d.swagger).toBe('2.0');
  expect(d.info).toEqual({ title: 'Kubernetes', version: 'v1.33.0' });
  const [path] = d.paths.path;
  expect(path.name).toBe('/api/v1/namespaces/{namespace}/pods');
  expect(path.value.get.operation_id).toBe('listCoreV1NamespacedPod');
  expect(path.value.get.parameters[0].parameter.non_body_parameter.query_parameter_sub_schema).toEqual({
    in: 'query',
    name: 'limit',
    type: 'integer',
    unique_items: true,
  });
  expect(path.value.get.responses.response_code[0]).toEqual({
    name: '200',
    value: { response: { description: 'OK', schema: { schema: { _ref: '#/definitions/io.k8s.api.core.v1.PodList' } } } },
  });
  expect(path.value.get.vendor_extension).toEqual([{ name: 'x-kubernetes-action', value: { yaml: '"list"\n' } }]);
  expect(path.value.post.parameters[0].parameter.body_parameter).toMatchObject({ in: 'body', name: 'body', required: true });
  expect(path.value.parameters[0]).toEqual({ json_reference: { _ref: '#/parameters/namespace' } });
  expect(path.value.parameters[1].parameter.non_body_parameter.path_parameter_sub_schema.name).toBe('namespace');
  const pod = d.definitions.additional_properties[0];
  expect(pod.name).toBe('io.k8s.api.core.v1.Pod');
  expect(pod.value.type).toEqual({ value: ['object'] });
  expect(pod.value.required).toEqual(['spec']);
  const props = Object.fromEntries(
    pod.value.properties.additional_properties.map((p: { name: string; value: unknown }) => [p.name, p.value]),
  );
  expect(props.spec).toEqual({ _ref: '#/definitions/io.k8s.api.core.v1.PodSpec' });
  expect(props.labels.additional_properties).toEqual({ schema: { type: { value: ['string'] } } });
  expect(props.list.items).toEqual({ schema: [{ type: { value: ['string'] } }] });
  expect(props.phase.enum).toEqual([{ yaml: '"Pending"\n' }, { yaml: '"Running"\n' }]);
  expect(JSON.parse(pod.value.vendor_extension[0].value.yaml)).toEqual([{ group: '', kind: 'Pod', version: 'v1' }]);
  expect(d.security_definitions.additional_properties[0]).toEqual({
    name: 'BearerToken',
    value: { api_key_security: { type: 'apiKey', name: 'authorization', in: 'header', description: 'Bearer' } },
  });
  expect(d.security).toEqual([{ additional_properties: [{ name: 'BearerToken', value: {} }] }]);
});

test('kubectl 1.27/1.28 Accept gets protobuf (as the .v1.0 subtype, the JSON ETag); JSON otherwise', async () => {
  const app = express().use(openapiRouter(RESOURCES));
  const pb = await request(app)
    .get('/openapi/v2')
    .set('Accept', 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf')
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    })
    .expect(200);
  expect(pb.headers['content-type']).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
  const json = await request(app).get('/openapi/v2').expect(200);
  expect(json.headers['content-type']).toMatch(/^application\/json/);
  expect(pb.headers.etag).toBe(json.headers.etag);
  const decoded = decodeOpenapiV2Protobuf(pb.body as Buffer);
  expect(decoded.definitions.additional_properties.length).toBe(Object.keys(json.body.definitions).length);
  expect(decoded.paths.path.map((p: { name: string }) => p.name)).toEqual(Object.keys(json.body.paths));
});
