// A raw watch stream reader: newline-delimited JSON events, each stamped with the moment its bytes arrived.
import https from 'node:https';

export interface WatchEvent {
  type: string;
  object: { metadata?: { name?: string; resourceVersion?: string }; data?: Record<string, string> };
}
export interface Watch {
  close(): void;
}

/** Opens `path` (a ?watch=1 URL) on its own connection; resolves once the server has sent the response headers. */
export function openWatch(
  agent: https.Agent,
  origin: string,
  path: string,
  onEvent: (e: WatchEvent, atMs: number) => void,
): Promise<Watch> {
  return new Promise((resolve, reject) => {
    const req = https.get(new URL(path, origin), { agent, headers: { Accept: 'application/json' } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`watch ${path}: HTTP ${res.statusCode}`));
        res.resume();
        return;
      }
      let pending = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const at = performance.now(); // before parsing: the event counts as received when its bytes are
        pending += chunk;
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          if (line.trim()) onEvent(JSON.parse(line) as WatchEvent, at);
        }
      });
      res.on('error', () => {
        /* closed by us */
      });
      resolve({ close: () => req.destroy() });
    });
    req.on('error', reject);
  });
}
