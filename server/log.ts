/** A tiny structured logger: one line per record on stderr. Never pass tokens or sales figures to it. */
export type Level = 'info' | 'warn' | 'error';

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger(write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const emit = (level: Level, msg: string, fields?: Record<string, unknown>): void => {
    const extra = fields ? ' ' + JSON.stringify(fields) : '';
    write(`${new Date().toISOString()} ${level} ${msg}${extra}\n`);
  };
  return {
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

/** A logger that drops everything, for tests and benchmarks. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
