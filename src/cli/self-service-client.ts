import type { CommandContext } from './command.ts';
import { nameFlagInError } from './field-flags.ts';
import { requestJson, responseError } from './http.ts';
import { stringOption } from './option-values.ts';
import { freshSession } from './user/fresh-session.ts';

export const maintainerOptions = {
  issuer: { type: 'string' },
  'client-id': { type: 'string' },
} as const;

export const maintainerOptionsHelp = `Authenticated by your own login for the self-service API:
  tollgate login --issuer URL --client-id ID --resource urn:tollgate:self-service
  --issuer URL, --client-id ID
                            pick that login when you have several`;

/**
 * The maintainers' JSON API (/self-service) with the person's own access token, refreshed as
 * needed. With `fieldFlags`, a refused field is reported by the flag that set it (field-flags.ts).
 */
export async function callSelfService(
  context: Pick<CommandContext, 'values' | 'env'>,
  method: string,
  path: string,
  body?: unknown,
  fieldFlags?: Record<string, string>,
): Promise<Record<string, unknown>> {
  const session = await freshSession(context.env, stringOption(context.values, 'issuer'), stringOption(context.values, 'client-id'), 30);
  const response = await requestJson(`${session.issuer}/self-service${path}`, {
    method,
    headers: {
      authorization: `Bearer ${session.accessToken as string}`,
      accept: 'application/json',
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (response.status >= 300) {
    const error = responseError(response, `${method} /self-service${path}`);
    throw fieldFlags ? nameFlagInError(error, method, body, response.body.error_description as string | undefined, fieldFlags) : error;
  }
  return response.body;
}

export const tokensPath = (resource: string) => `/resources/${encodeURIComponent(resource)}/tokens`;

export const publishersPath = (resource: string) => `/resources/${encodeURIComponent(resource)}/publishers`;
