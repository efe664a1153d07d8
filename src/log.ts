// Structured JSON logs (pino); human-readable when stdout is a terminal.
import pino from 'pino';

export type Logger = pino.Logger;

export async function createLogger(level = 'info'): Promise<Logger> {
  if (!process.stdout.isTTY) return pino({ level });
  const { default: pretty } = await import('pino-pretty');
  return pino({ level }, pretty({ colorize: true, sync: true }));
}
