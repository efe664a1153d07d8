// /healthz, /livez and /readyz as upstream's healthz package answers them: verbose listings, ?exclude, sub-paths,
// and a failing check's 500 with the reason withheld from the body but given to the failure hook.
import express from 'express';
import request from 'supertest';
import { cachedCheck, healthRouter, logCheck, pingCheck, postStartHook, type HealthCheck } from '../../src/api/health.js';

let etcdDown = false;
let hookDone = true;
const etcd: HealthCheck = {
  name: 'etcd',
  check: async () => {
    if (etcdDown) throw new Error('database is closed');
  },
};
const failures: unknown[] = [];
const app = express();
app.set('query parser', 'simple');
app.use(
  healthRouter(
    {
      healthz: [pingCheck],
      livez: [pingCheck, logCheck, etcd],
      readyz: [pingCheck, logCheck, etcd, postStartHook('rbac/bootstrap-roles', () => hookDone)],
    },
    (endpoint, f) => failures.push({ endpoint, f }),
  ),
);

beforeEach(() => {
  etcdDown = false;
  hookDone = true;
  failures.length = 0;
});

test('plain ok without ?verbose, every check listed with it', async () => {
  const plain = await request(app).get('/readyz').expect(200);
  expect(plain.text).toBe('ok');
  expect(plain.headers['content-type']).toBe('text/plain; charset=utf-8');
  expect(plain.headers['x-content-type-options']).toBe('nosniff');
  const verbose = await request(app).get('/readyz?verbose').expect(200);
  expect(verbose.text).toBe('[+]ping ok\n[+]log ok\n[+]etcd ok\n[+]poststarthook/rbac/bootstrap-roles ok\nreadyz check passed\n');
});

test('a failing check is a 500 listing all checks, the reason withheld (but told to the hook)', async () => {
  etcdDown = true;
  const res = await request(app).get('/livez').expect(500);
  expect(res.text).toBe('[+]ping ok\n[+]log ok\n[-]etcd failed: reason withheld\nlivez check failed\n');
  expect(failures).toEqual([{ endpoint: 'livez', f: [{ name: 'etcd', reason: 'database is closed' }] }]);
});

test('an unfinished post-start hook keeps readyz failing', async () => {
  hookDone = false;
  const res = await request(app).get('/readyz').expect(500);
  expect(res.text).toContain('[-]poststarthook/rbac/bootstrap-roles failed: reason withheld\nreadyz check failed\n');
  expect((await request(app).get('/readyz/poststarthook/rbac/bootstrap-roles').expect(500)).text).toBe(
    'internal server error: not finished\n',
  );
});

test('?exclude skips a check (repeatable), unknown names are warned about', async () => {
  etcdDown = true;
  const res = await request(app).get('/readyz?verbose&exclude=etcd&exclude=nope&exclude=zz').expect(200);
  expect(res.text).toBe(
    '[+]ping ok\n[+]log ok\n[+]etcd excluded: ok\n[+]poststarthook/rbac/bootstrap-roles ok\n' +
      'warn: some health checks cannot be excluded: no matches for "nope","zz"\nreadyz check passed\n',
  );
});

test('each check has its sub-path; unknown ones are not served', async () => {
  expect((await request(app).get('/livez/ping').expect(200)).text).toBe('ok');
  etcdDown = true;
  expect((await request(app).get('/livez/etcd').expect(500)).text).toBe('internal server error: database is closed\n');
  await request(app).get('/livez/nope').expect(404);
  await request(app).get('/healthz/etcd').expect(404);
});

test('a cached check probes at most once per interval and shares one probe', async () => {
  let probes = 0;
  let fail = false;
  const c = cachedCheck(
    'docker-engine',
    async () => {
      probes++;
      if (fail) throw new Error('connect ENOENT');
    },
    60_000,
  );
  await Promise.all([c.check(), c.check(), c.check()]);
  expect(probes).toBe(1);
  fail = true;
  await c.check(); // still the cached success
  expect(probes).toBe(1);
  const short = cachedCheck('x', async () => Promise.reject(new Error('down')), 0);
  await expect(short.check()).rejects.toThrow('down');
});
