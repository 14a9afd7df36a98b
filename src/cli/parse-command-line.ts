import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';

import { AppError } from '../errors.ts';
import { closestOption } from './closest-option.ts';
import type { Values } from './command.ts';

/** Options every command takes. */
const commonOptions: ParseArgsOptionsConfig = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
};

/** node:util parseArgs, strict, with its complaints turned into usage errors. */
export function parseCommandLine(args: string[], options: ParseArgsOptionsConfig, positionalNames: string[] = []): { values: Values; positionals: string[] } {
  const all = { ...commonOptions, ...options };
  let parsed;
  try {
    parsed = parseArgs({ args: attachValues(args, all), options: all, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError(error as Error & { code?: string }, args, all);
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

/**
 * `--kid -abc` as `--kid=-abc`: parseArgs refuses a value that starts with a dash after a
 * separate option, but a string option always takes the next word, whatever it looks like
 * (key ids, secrets and URNs can start with one).
 */
function attachValues(args: string[], options: ParseArgsOptionsConfig): string[] {
  const result: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (arg === '--') {
      result.push(...args.slice(index));
      break;
    }
    const name = arg.startsWith('--')
      ? arg.slice(2)
      : arg.length === 2 && arg.startsWith('-')
        ? Object.keys(options).find((key) => options[key]?.short === arg[1])
        : undefined;
    const next = args[index + 1];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined) {
      result.push(`--${name}=${next}`);
      index += 1;
    } else {
      result.push(arg);
    }
  }
  return result;
}

/**
 * parseArgs' own messages are written for script authors (and quote the option oddly): say
 * instead which option was not understood and which one was probably meant.
 */
function usageError(error: Error & { code?: string }, args: string[], options: ParseArgsOptionsConfig): AppError {
  const names = Object.keys(options);
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const word = args.find((arg) => arg.startsWith('-') && arg !== '--' && !isDeclared(arg, options)) ?? '';
    const name = word.replace(/^--?/, '').replace(/=.*$/s, '');
    const meant = closestOption(name, names);
    const known = names.map((option) => `--${option}`).join(', ');
    return new AppError(
      'usage',
      meant
        ? `unknown option ${word.replace(/=.*$/s, '')}; did you mean --${meant}?`
        : `unknown option ${word.replace(/=.*$/s, '')}; this command takes ${known}`,
    );
  }
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const name = names.find((option) => error.message.includes(`--${option} `) || error.message.includes(`'--${option}'`));
    if (name) return new AppError('usage', options[name]?.type === 'string' ? `--${name} needs a value` : `--${name} takes no value`);
  }
  return new AppError('usage', error.message.split('\n')[0] as string);
}

function isDeclared(arg: string, options: ParseArgsOptionsConfig): boolean {
  if (arg.startsWith('--')) return arg.slice(2).replace(/=.*$/s, '') in options;
  // A group of short flags (-hv) is declared when each of its letters is.
  return [...arg.slice(1)].every((letter) => Object.values(options).some((option) => option.short === letter));
}
