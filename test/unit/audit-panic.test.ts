// The Panic stage: a handler failing with a runtime error (the counterpart of a Go panic) ends its audit event as
// Panic with upstream's "APIServer panic'd" status; a deliberate error stays ResponseComplete.
import express from 'express';
import request from 'supertest';
import { auditFilter, auditId } from '../../src/api/audit/audit.js';
import { parsePolicy } from '../../src/api/audit/policy.js';
import { sendError } from '../../src/api/respond.js';
import { Registry } from '../../src/registry/registry.js';
import { RESOURCES } from '../../src/registry/resources/index.js';
import { badRequest } from '../../src/machinery/api/errors.js';

type Event = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

test('a runtime error is a Panic event; a Status error is ResponseComplete', async () => {
  const events: Event[] = [];
  const app = express();
  app.use(auditId);
  app.use((_req, res, next) => {
    res.locals.user = { name: 'alice', groups: ['system:authenticated'] };
    next();
  });
  const policy = parsePolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n  - level: Metadata\n');
  app.use(auditFilter({ policy, registry: new Registry(RESOURCES), write: (l) => events.push(JSON.parse(l)) }));
  app.get('/panics', (_req, res) => sendError(res, new TypeError("Cannot read properties of undefined (reading 'x')")));
  app.get('/refuses', (_req, res) => sendError(res, badRequest('no')));
  await request(app).get('/panics').expect(500);
  await request(app).get('/refuses').expect(400);
  await new Promise((r) => setTimeout(r, 20));
  expect(events.map((e) => e.stage)).toEqual(['Panic', 'ResponseComplete']);
  expect(events[0]!.responseStatus).toEqual({
    metadata: {},
    status: 'Failure',
    message: "APIServer panic'd: Cannot read properties of undefined (reading 'x')",
    reason: 'InternalError',
    code: 500,
  });
  expect(events[1]!.responseStatus).toMatchObject({ code: 400, message: 'no' });
});
