// Start-up and footprint: from the command to /readyz answering, polled from outside, and the idle RSS after.
// Usage: npm run build && npm run bench:startup   (~1 min)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import https from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataDirLayout } from '../src/data-dir.js';
import { stopChild, tailOf } from './child.js';
import { buildBaseline } from './baseline-build.js';

const HERE = dirname(fileURLToPath(import.meta.url));
// dist/bench/startup.js → dist/src/cli/main.js, and the checkout's bin/dockube (the README's command)
const MAIN = join(HERE, '..', 'src', 'cli', 'main.js');
// dist/bundle/main.js: what bin/dockube runs, the same code bundled by scripts/bundle.mjs
const BUNDLE = join(HERE, '..', 'bundle', 'main.js');
const BIN = join(HERE, '..', '..', 'bin', 'dockube');
const BASELINE = join(HERE, 'readyz-baseline.js');
const ROUNDS = Number(process.env.BENCH_STARTUP_ROUNDS ?? 5);
/** RSS is read this long after /readyz: soon, and once V8 has given back start-up heap (it does after ~10 s idle). */
const IDLE_MS = [5000, 15000];
const TIMEOUT_MS = 60_000;
const TARGET_READY_MS = 500;
const TARGET_RSS_MB = 70;
/** The commit this start-up work began from, restarted in the same run for comparison ("none" leaves it out). */
const BEFORE = process.env.BENCH_BASELINE ?? '36658f4';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** One GET of /readyz (public, as in Kubernetes): true on 200; false while refused or not ready. */
function readyz(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = https.get({ host: '127.0.0.1', port, path: '/readyz', rejectUnauthorized: false, agent: false, timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

function rssMb(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/status`, 'utf8').then((s) => Number(/VmRSS:\s+(\d+)/.exec(s)![1]) / 1024);
}

interface Sample {
  readyMs: number;
  /** at each of IDLE_MS */ rssMb?: number[];
}

/** Spawns `argv`, polls /readyz every 5 ms from the moment of the spawn; optionally idles and reads the RSS; stops it. */
async function timeStart(argv: string[], port: number, env: NodeJS.ProcessEnv, idle: boolean): Promise<Sample> {
  const t0 = performance.now();
  const child: ChildProcess = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env });
  const tail = tailOf(child);
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${argv.join(' ')} exited early:\n${tail()}`);
      if (await readyz(port)) break;
      if (performance.now() - t0 > TIMEOUT_MS) throw new Error(`not ready after ${TIMEOUT_MS} ms:\n${tail()}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const readyMs = performance.now() - t0;
    if (!idle) return { readyMs };
    const rss: number[] = [];
    for (const at of IDLE_MS) {
      await new Promise((r) => setTimeout(r, Math.max(0, readyMs + at - (performance.now() - t0))));
      rss.push(await rssMb(child.pid!));
    }
    return { readyMs, rssMb: rss };
  } finally {
    await stopChild(child);
  }
}

/** scripts/setup.sh's own tests for "the packages are installed and the build is current". */
function setupIsWarm(): boolean {
  const packages =
    '[ -d node_modules ] && [ ! package.json -nt node_modules/.package-lock.json ] && [ ! package-lock.json -nt node_modules/.package-lock.json ]';
  const build =
    '[ -f dist/.built ] && [ -f dist/bundle/main.js ] && [ -z "$(find src openapi package.json tsconfig.json scripts/bundle.mjs -newer dist/.built -print -quit)" ]';
  const r = spawnSync('bash', ['-c', `${packages} && ${build}`], {
    cwd: join(HERE, '..', '..'),
  });
  return r.status === 0;
}

const rssText = (mbs: number[]) => mbs.map((m) => m.toFixed(1)).join(' / ');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

async function main() {
  const root = await mkdtemp(join(tmpdir(), 'dockube-bench-startup-'));
  const dataDir = join(root, 'data');
  const port = await freePort();
  const env = { ...process.env };
  const serverArgs = ['server', '--data-dir', dataDir, '--bind-address', '127.0.0.1', '--port', String(port), '--log-level', 'warn'];
  const rows: { what: string; samples: Sample[] }[] = [];
  try {
    // First start: a fresh data dir, so the CA, certificates and keys are generated.
    const first = await timeStart([process.execPath, MAIN, ...serverArgs], port, env, false);
    rows.push({ what: 'first start (fresh data dir, node main.js)', samples: [first] });
    const pkiDir = dataDirLayout(dataDir).pki.dir;

    const kinds: { what: string; argv: string[]; env?: NodeJS.ProcessEnv }[] = [
      { what: 'baseline: bare node:https /readyz', argv: [process.execPath, BASELINE, pkiDir, String(port)] },
      { what: 'restart: node dist/src/cli/main.js server', argv: [process.execPath, MAIN, ...serverArgs] },
      { what: 'restart: node dist/bundle/main.js server', argv: [process.execPath, BUNDLE, ...serverArgs] },
    ];
    if (BEFORE !== 'none') {
      const before = await buildBaseline(BEFORE);
      kinds.push({ what: `restart: ${before.commit} (before) main.js server`, argv: [process.execPath, before.main, ...serverArgs] });
    }
    // "A warm machine": bin/dockube's set-up (packages, build, engine) has nothing left to do. When it would still
    // build (sources newer than the build, as while someone edits them), its row is left out rather than timing tsc.
    if (setupIsWarm()) kinds.push({ what: 'restart: bin/dockube server (README)', argv: [BIN, ...serverArgs] });
    else process.stderr.write('scripts/setup.sh is not warm (it would install or build): the bin/dockube row is left out\n');
    const samples = kinds.map(() => [] as Sample[]);
    // Rounds alternate the kinds, so load from elsewhere on a shared machine falls on all of them.
    for (let r = 0; r < ROUNDS; r++)
      for (const [i, k] of kinds.entries()) {
        const s = await timeStart(k.argv, port, k.env ?? env, r === 0);
        samples[i]!.push(s);
        const rss = s.rssMb ? `, RSS ${s.rssMb.map((m) => m.toFixed(1)).join(' / ')} MB` : '';
        process.stderr.write(`round ${r + 1}/${ROUNDS} ${k.what}: ${s.readyMs.toFixed(0)} ms${rss}\n`);
      }
    kinds.forEach((k, i) => rows.push({ what: k.what, samples: samples[i]! }));
  } finally {
    await rm(root, { recursive: true, force: true });
  }

  const baseline = median(rows[1]!.samples.map((s) => s.readyMs));
  const baseRss = rows[1]!.samples[0]!.rssMb!;
  const out = rows.map(({ what, samples }) => {
    const readyMs = median(samples.map((s) => s.readyMs));
    const rss = samples.find((s) => s.rssMb !== undefined)?.rssMb;
    return {
      what,
      n: samples.length,
      readyMsP50: readyMs,
      readyMsMax: Math.max(...samples.map((s) => s.readyMs)),
      vsBaseline: readyMs / baseline,
      idleRssMb: rss,
    };
  });
  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(
    `\n${pad('start (to /readyz 200, polled from outside)', 46)} ${pad('n', 3)} ${pad('p50 ms', 8)} ${pad('max ms', 8)} ${pad('×base', 6)} idle RSS MB (${IDLE_MS.map((ms) => ms / 1000).join(' / ')} s after ready)`,
  );
  for (const r of out)
    console.log(
      `${pad(r.what, 46)} ${pad(String(r.n), 3)} ${pad(r.readyMsP50.toFixed(0), 8)} ${pad(r.readyMsMax.toFixed(0), 8)} ${pad(r.vsBaseline.toFixed(2), 6)} ${r.idleRssMb?.map((m) => m.toFixed(1)).join(' / ') ?? ''}`,
    );
  const readme = out.find((r) => r.what.includes('README')) ?? out.find((r) => r.what.includes('bundle'))!;
  console.log(
    `\ntarget: restart with the README command ≤ ${TARGET_READY_MS} ms → ${readme.readyMsP50.toFixed(0)} ms (${readme.readyMsP50 <= TARGET_READY_MS ? 'met' : 'NOT met'}); ` +
      `idle RSS ≤ ${TARGET_RSS_MB} MB → ${rssText(readme.idleRssMb!)} MB (${Math.min(...readme.idleRssMb!) <= TARGET_RSS_MB ? 'met' : 'NOT met'}; bare node:https ${rssText(baseRss)} MB)`,
  );
  await writeFile(
    join(HERE, '..', '..', 'bench', 'results', 'startup-latest.json'),
    JSON.stringify({ timestamp: new Date().toISOString(), node: process.version, idleMs: IDLE_MS, rows: out }, null, 2) + '\n',
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
