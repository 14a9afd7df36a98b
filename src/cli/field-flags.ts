import { AppError } from '../errors.ts';

/** The CLI flag that sets each admin API body field (`resources` is what `--resource` sends). */
const flags: Record<string, string> = {
  access_token_ttl: '--ttl',
  default_resource: '--default-resource',
  description: '--description',
  device_code_ttl: '--device-code-ttl',
  disabled: '--disabled',
  email: '--email',
  expires_in: '--expires-in',
  federated_identities: '--federated',
  grant_types: '--grant',
  id: '--id',
  jwks: '--jwks-file',
  max_priority: '--max-priority',
  name: '--name',
  overlap_seconds: '--overlap',
  password: 'the password',
  resources: '--resource',
  scopes: '--scope',
  serves: '--serves',
  signing_alg: '--alg',
  single_use: '--single-use',
  token_endpoint_auth_method: '--auth-method',
  username: '--username',
};

/** Fields a create command takes as its positional argument instead of a flag. */
const positionals: Record<string, string> = { client_id: '<client-id>', identifier: '<identifier>', username: '<username>' };

/**
 * An admin API validation error names the body field at fault (`resources.0`); a person typed
 * `--resource`, so the message names the flag and the value given, and keeps the API's reason.
 * `fieldFlags` names a command's own flags for whole field paths (`kubernetes.uid`: `--uid`).
 */
export function nameFlagInError(
  error: AppError,
  method: string,
  body: unknown,
  description: string | undefined,
  fieldFlags: Record<string, string> = {},
): AppError {
  if (error.code !== 'invalid_field' || !error.field || description === undefined) return error;
  const [top = '', ...rest] = error.field.split('.');
  const exact = fieldFlags[error.field];
  const flag = exact ?? (method === 'POST' ? positionals[top] : undefined) ?? flags[top];
  if (!flag) return error;
  const reason = description.startsWith(`${error.field}: `) ? description.slice(error.field.length + 2) : description;
  const value = valueAt(body, [top, ...rest]);
  // A map entry (max_priority.gpu) or an object's member (federated_identities.0.issuer) keeps its name.
  const member = exact ? '' : rest.filter((part) => !/^\d+$/.test(part)).join('.');
  const shown = typeof value === 'string' || typeof value === 'number' ? ` ${JSON.stringify(value)}` : '';
  const where = member ? ` (${member}${shown ? `:${shown}` : ''})` : shown;
  return new AppError('invalid_field', `${flag}${where}: ${reason}`, { field: error.field, cause: error });
}

function valueAt(body: unknown, path: string[]): unknown {
  let value = body;
  for (const part of path) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  return value;
}
