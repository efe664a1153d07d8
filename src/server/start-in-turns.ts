// Runs start-up steps one per turn of the event loop. The controllers start once /readyz answers; started all at
// once, their informers' first lists and cache fills ran as one chain of microtasks (~90 ms measured here), during
// which the server answered nothing: not the readiness poll, not the first kubectl of a script that waited for it.
// Each step here begins in its own setImmediate, so requests that arrived meanwhile are served between two steps.
// Steps overlap as before once they wait on I/O: only their beginnings are spaced, not their ends.

export type InTurns = <T>(step: () => Promise<T> | T) => Promise<T>;

export function startInTurns(): InTurns {
  let previous: Promise<void> = Promise.resolve();
  return (step) => {
    const begins = previous.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
    previous = begins;
    return begins.then(step);
  };
}
