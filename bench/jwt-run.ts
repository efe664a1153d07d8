// Service account token verification per request: the `jose` verification the authenticator now uses, beside the
// node:crypto one it replaced (kept here as the baseline), in paired rounds of one run. Both check the same ES256
// token with the same key; only the signature check differs (the claim checks after it are unchanged).
import { generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signJwt, verifyJwt, VERIFIED_TOKENS_CACHED } from '../src/serviceaccount/jwt.js';
import { pairedRounds } from './stats.js';
import { formatTable, runBench, saveResults } from './table.js';

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results', 'jwt-latest.json');
const N = Number(process.env.BENCH_JWT_VERIFIES ?? 20000);
const ROUNDS = 20;

/** The previous hand-rolled verification (node:crypto, raw r||s signature): the baseline. */
function handRolledVerify(token: string, publicKey: KeyObject): unknown {
  const [h, p, s] = token.split('.') as [string, string, string];
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: string };
  if (header.alg !== 'ES256') return undefined;
  const sig = Buffer.from(s, 'base64url');
  if (sig.length !== 64 || !verify('sha256', Buffer.from(`${h}.${p}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, sig))
    return undefined;
  return JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as unknown;
}

/** Paired rounds of the baseline (side 0) beside `now` (side 1). */
async function pair(now: () => Promise<unknown>, before: () => unknown) {
  return pairedRounds(N, ROUNDS, async (side) => {
    if (!(side === 0 ? before() : await now())) throw new Error('verification failed');
  });
}

async function main(): Promise<void> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const now = Math.floor(Date.now() / 1000);
  const tokenFor = (name: string) =>
    signJwt(
      {
        aud: ['https://kubernetes.default.svc.cluster.local'],
        exp: now + 3600,
        iat: now,
        iss: 'https://kubernetes.default.svc.cluster.local',
        nbf: now,
        sub: `system:serviceaccount:default:${name}`,
        'kubernetes.io': { namespace: 'default', serviceaccount: { name, uid: '0f6c1c1e-0000-4000-8000-000000000000' } },
      },
      privateKey,
      'kid',
    );
  // More distinct tokens than the verified-signature cache holds, used in turn: every verification is a miss.
  const distinct = await Promise.all(Array.from({ length: 2 * VERIFIED_TOKENS_CACHED }, (_, i) => tokenFor(`sa-${i}`)));
  const token = distinct[0]!;
  for (let i = 0; i < 200; i++) {
    handRolledVerify(token, publicKey);
    await verifyJwt(distinct[i]!, publicKey);
  }
  let a = 0;
  let b = 0;
  const cold = await pair(
    () => verifyJwt(distinct[a++ % distinct.length]!, publicKey),
    () => handRolledVerify(distinct[b++ % distinct.length]!, publicKey),
  );
  const warm = await pair(
    () => verifyJwt(token, publicKey),
    () => handRolledVerify(token, publicKey),
  );
  await saveResults(RESULTS, { verifies: N, rounds: ROUNDS, cold, warm });
  const f = (x: number) => x.toFixed(4);
  const row = (name: string, st: (typeof cold.stats)[0]) => [name, String(st.n), f(st.p50), f(st.p99), st.opsPerSec.toFixed(0)];
  process.stdout.write(
    `\n${formatTable(
      ['verification of an ES256 token', 'N', 'p50 ms', 'p99 ms', 'ops/s'],
      [
        row('a new token each call: node:crypto (before, baseline)', cold.stats[0]),
        row('a new token each call: jose (now)', cold.stats[1]),
        row('the same token each call: node:crypto (before, baseline)', warm.stats[0]),
        row('the same token each call: jose + verified-signature cache (now)', warm.stats[1]),
      ],
    )}\n\nthroughput over the baseline's, median of ${ROUNDS} paired rounds: new tokens ${cold.medianRatio.toFixed(2)}x, ` +
      `a client's repeated token ${warm.medianRatio.toFixed(1)}x. Results: ${RESULTS}\n`,
  );
}

runBench(main);
