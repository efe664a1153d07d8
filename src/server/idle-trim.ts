// Gives back, once the server has started and sits idle, the memory that start-up alone needed (issue 8: idle RSS).
// Measured (bench/startup.ts, bench/README.md): after start-up V8's young generation stays grown to ~9 MB, malloc's
// arenas keep ~6 MB freed by start-up's compilations, and ~46 MB of pages of the node binary and libraries touched once
// stay mapped; V8's own memory reducer gives back the first only sometimes, 10-30 s later, the others never.
// So, once idle: glibc's malloc_trim(0) and MADV_DONTNEED on the read-only file mappings (their pages stay in the page
// cache and map again on the next access), through koffi (a C FFI with prebuilt binaries), loaded only then.
// Not done: full GCs while idle, which do make V8 shrink its young generation (~8 MB more), but a young generation
// shrunk to 1 MB grows back slowly under LIST load (the same run's LIST ratios were worse), as --max-semi-space-size=1
// was measured to slow GET/LIST before.
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../log.js';
import { droppableFileMappings, parseSmaps } from './process-mappings.js';

const MADV_DONTNEED = 4;
/** Start after the post-/readyz loading (kubelet, service proxy, volume provisioner) has settled. */
const FIRST_DELAY_MS = 1000;
const STEP_MS = 1500;
/** A step is skipped while the event loop was busier than this since the last one: the trim is for an idle server. */
const BUSY_UTILIZATION = 0.2;
const GIVE_UP_MS = 120_000;

export interface IdleTrim {
  stop(): void;
  /** Settles once the trim has run (or was given up or stopped). */
  done: Promise<void>;
}

/** DOCKUBE_IDLE_TRIM=off turns it off (benches compare with and without). */
export function idleTrimEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.DOCKUBE_IDLE_TRIM !== 'off' && process.platform === 'linux';
}

/** The pause before the first step and between steps (tests shorten them). */
export interface IdleTrimTiming {
  firstDelayMs: number;
  stepMs: number;
}

export function startIdleTrim(log: Logger, timing: IdleTrimTiming = { firstDelayMs: FIRST_DELAY_MS, stepMs: STEP_MS }): IdleTrim {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const t0 = performance.now();
  let elu = performance.eventLoopUtilization();

  const step = async () => {
    timer = undefined;
    if (stopped) return;
    const now = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(now, elu).utilization > BUSY_UTILIZATION;
    elu = now;
    if (busy) {
      if (performance.now() - t0 > GIVE_UP_MS) return finish();
      return schedule(timing.stepMs);
    }
    try {
      const given = await giveBackPages();
      log.debug(given, 'idle memory trimmed');
    } catch (e) {
      log.debug({ err: (e as Error).message }, 'idle memory trim unavailable');
    }
    finish();
  };
  const schedule = (ms: number) => {
    timer = setTimeout(() => void step(), ms);
    timer.unref();
  };
  schedule(timing.firstDelayMs);
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      finish();
    },
    done,
  };
}

/** malloc_trim(0), then MADV_DONTNEED on every droppable file mapping; answers what was asked for. */
async function giveBackPages(): Promise<{ mappings: number; fileKb: number }> {
  const koffi = (await import('koffi')).default;
  const libc = koffi.load('libc.so.6');
  const mallocTrim = libc.func('int malloc_trim(size_t pad)');
  const madvise = libc.func('int madvise(uintptr_t addr, size_t length, int advice)');
  mallocTrim(0);
  // Read after koffi loaded, so its own pages are among them.
  const maps = droppableFileMappings(parseSmaps(await readFile('/proc/self/smaps', 'utf8')));
  let fileKb = 0;
  for (const m of maps) {
    if (madvise(m.start, Number(m.end - m.start), MADV_DONTNEED) === 0) fileKb += m.rssKb;
  }
  return { mappings: maps.length, fileKb };
}
