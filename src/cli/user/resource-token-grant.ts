import { readFile } from 'node:fs/promises';

import { AppError } from '../../errors.ts';
import { resourceTokenIdOf } from '../../kernel/resource-token-format.ts';
import type { CommandContext } from '../command.ts';
import { requestJson, responseError } from '../http.ts';
import { stringOption, urlOption } from '../option-values.ts';

export const resourceTokenOptions = {
  'resource-token-env': { type: 'string' },
  'resource-token-file': { type: 'string' },
  scope: { type: 'string' },
} as const;

export const resourceTokenHelp = `With a resource token (made by a maintainer, docs/team-tokens.md) it prints an access token
for that token's API instead, from the client-credentials grant:
  --resource-token-env NAME read the resource token from the environment variable NAME
                            (TOLLGATE_RESOURCE_TOKEN is read when set and no option names another)
  --resource-token-file PATH
                            read it from a file (e.g. a mounted CI secret)
  --scope SCOPES            ask for fewer scopes than the token carries
  --issuer URL              the tollgate server (TOLLGATE_URL)`;

/**
 * The resource token the command line names, from an environment variable or a file, never a
 * flag (process lists, shell history). Undefined when none is named.
 */
export async function readResourceToken({ values, env }: Pick<CommandContext, 'values' | 'env'>): Promise<string | undefined> {
  const envName = stringOption(values, 'resource-token-env');
  const file = stringOption(values, 'resource-token-file');
  if (envName && file) throw new AppError('usage', 'use one of --resource-token-env and --resource-token-file');
  let value: string | undefined;
  if (file) {
    try {
      value = await readFile(file, 'utf8');
    } catch (error) {
      throw new AppError('usage', `--resource-token-file: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  } else if (envName) {
    value = env[envName];
    if (!value) throw new AppError('usage', `environment variable ${envName} is not set`);
  } else value = env.TOLLGATE_RESOURCE_TOKEN || undefined;
  return value?.trim();
}

/** RFC 6749 §4.4 with the token's id as client_id and its whole value as client_secret (Basic). */
export async function resourceTokenAccessToken(context: Pick<CommandContext, 'values' | 'env'>, value: string): Promise<Record<string, unknown>> {
  const issuer = urlOption(context.values, 'issuer', context.env.TOLLGATE_URL);
  if (!issuer) throw new AppError('usage', '--issuer (or TOLLGATE_URL) is required with a resource token');
  const clientId = resourceTokenIdOf(value);
  if (!clientId) throw new AppError('usage', 'the resource token is malformed (expected tgrt_<12>_<49 characters>, checksum included); copy it again');
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  const scope = stringOption(context.values, 'scope');
  if (scope) form.set('scope', scope);
  const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(value)}`).toString('base64');
  const response = await requestJson(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}`, accept: 'application/json' },
    body: form,
  });
  if (response.status !== 200) throw responseError(response, 'the resource token was refused');
  return response.body;
}
