import { randomBytes } from 'node:crypto';

import { AppError } from '../errors.ts';
import type { CommandContext } from './command.ts';

export const passwordOptions = {
  'password-stdin': { type: 'boolean' },
  'password-env': { type: 'string' },
  'generate-password': { type: 'boolean' },
} as const;

export const passwordHelp = `  --password-stdin          read the password from the first line of stdin
  --password-env NAME       read it from the environment variable NAME
  --generate-password       generate one and print it once`;

/**
 * A password from stdin, an environment variable, or generated: never from a flag, which
 * would land in process lists and shell history.
 */
export async function readPassword({ values, env, stdin }: CommandContext): Promise<{ password: string; generated: boolean } | undefined> {
  const sources = [values['password-stdin'], values['password-env'], values['generate-password']].filter((value) => value !== undefined);
  if (sources.length === 0) return undefined;
  if (sources.length > 1) throw new AppError('usage', 'use one of --password-stdin, --password-env, --generate-password');
  if (values['generate-password']) return { password: randomBytes(15).toString('base64url'), generated: true };
  if (values['password-env']) {
    const value = env[values['password-env'] as string];
    if (!value) throw new AppError('usage', `environment variable ${values['password-env']} is not set`);
    return { password: value, generated: false };
  }
  return { password: await firstLine(stdin), generated: false };
}

async function firstLine(stdin: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  const line = text.split(/\r?\n/)[0] ?? '';
  if (!line) throw new AppError('usage', 'nothing was read from stdin');
  return line;
}
