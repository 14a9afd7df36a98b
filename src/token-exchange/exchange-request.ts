import { errors } from 'oidc-provider';

/** RFC 8693 §3: the token type identifiers tollgate accepts and issues. */
export const tokenTypes = {
  accessToken: 'urn:ietf:params:oauth:token-type:access_token',
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
} as const;

/** RFC 8693 §2.1 request parameters; `resource` and `audience` may be repeated (§2.1, RFC 8707). */
export const exchangeParameters = [
  'subject_token',
  'subject_token_type',
  'actor_token',
  'actor_token_type',
  'requested_token_type',
  'resource',
  'audience',
  'scope',
] as const;
export const repeatableParameters = ['resource', 'audience'] as const;

export interface ExchangeRequest {
  subjectToken: string;
  /** The downstream API, when the request names one (`resource` or its alias `audience`). */
  target: string | undefined;
}

type Params = Record<string, unknown>;

/** Checks what RFC 8693 §2.1 asks of the parameters; problems are `invalid_request` or `invalid_target`. */
export function readExchangeRequest(params: Params): ExchangeRequest {
  const subjectToken = single(params, 'subject_token');
  const subjectTokenType = single(params, 'subject_token_type');
  if (!subjectToken) throw new errors.InvalidRequest('missing required parameter subject_token');
  if (!subjectTokenType) throw new errors.InvalidRequest('missing required parameter subject_token_type');
  // Our access tokens are JWTs, so either identifier describes them (RFC 8693 §3).
  if (subjectTokenType !== tokenTypes.accessToken && subjectTokenType !== tokenTypes.jwt) {
    throw new errors.InvalidRequest(`unsupported subject_token_type: only ${tokenTypes.accessToken} (or ${tokenTypes.jwt})`);
  }
  // The authenticated client is the actor; a separate actor token would only repeat it.
  if (params.actor_token !== undefined || params.actor_token_type !== undefined) {
    throw new errors.InvalidRequest('actor_token is not supported: the authenticated client is the actor');
  }
  const requested = single(params, 'requested_token_type');
  if (requested !== undefined && requested !== tokenTypes.accessToken) {
    throw new errors.InvalidRequest(`unsupported requested_token_type: only ${tokenTypes.accessToken} is issued`);
  }

  const targets = new Set([...list(params.resource), ...list(params.audience)]);
  if (targets.size > 1) throw new errors.InvalidTarget('name one downstream API (resource or audience) per exchange');
  return { subjectToken, target: [...targets][0] };
}

function single(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new errors.InvalidRequest(`${name} must be given once`);
  return value;
}

function list(value: unknown): string[] {
  if (value === undefined || value === '') return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}
