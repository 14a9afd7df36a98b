import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';

import { AppError } from '../errors.ts';
import type { Values } from './command.ts';

/** Options every command takes. */
export const commonOptions: ParseArgsOptionsConfig = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
};

/** node:util parseArgs, strict, with its complaints turned into usage errors. */
export function parseCommandLine(args: string[], options: ParseArgsOptionsConfig, positionalNames: string[] = []): { values: Values; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...commonOptions, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new AppError('usage', (error as Error).message.split('\n')[0] as string);
  }
  if (parsed.values.help) return { values: parsed.values as Values, positionals: parsed.positionals };
  const required = positionalNames.filter((name) => !name.endsWith('?'));
  if (parsed.positionals.length < required.length) {
    throw new AppError('usage', `missing argument <${required[parsed.positionals.length]}>`);
  }
  if (parsed.positionals.length > positionalNames.length) {
    throw new AppError('usage', `unexpected argument "${parsed.positionals[positionalNames.length]}"`);
  }
  return { values: parsed.values as Values, positionals: parsed.positionals };
}
