// Time for the probe workers, injectable so tests can drive initial delays and periods without waiting.
export interface ProbeClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: ProbeClock = {
  now: () => Date.now(),
  // Unref'd: a probe timer never keeps the process alive (workers are stopped explicitly anyway).
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};
