import { Writable } from 'node:stream';

import { createLogger, type Logger } from '../../src/logger.ts';

export interface CapturedLog {
  logger: Logger;
  /** Every line written so far, as text. */
  text(): string;
  /** Parsed lines whose msg matches. */
  lines(msg: RegExp): Array<Record<string, unknown>>;
}

/** A real pino logger writing into memory, for tests that assert what is (and is not) logged. */
export function captureLog(level = 'info'): CapturedLog {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const text = () => chunks.join('');
  return {
    logger: createLogger(level, sink),
    text,
    lines: (msg) =>
      text()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => msg.test(String(line.msg))),
  };
}
