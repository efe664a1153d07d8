// Structured JSON logs (pino); human-readable when stdout is a terminal.
import pino from 'pino';
import pretty from 'pino-pretty';

export type Logger = pino.Logger;

export function createLogger(level = 'info'): Logger {
  if (process.stdout.isTTY) return pino({ level }, pretty({ colorize: true, sync: true }));
  return pino({ level });
}
