import type { UpstreamSettings } from '../config/upstream-schema.ts';

/** The person as the upstream describes them, in tollgate's terms. */
export interface UpstreamProfile {
  /** The upstream's stable identifier of the person (`sub`; GitHub's numeric user id). */
  subject: string;
  username: string | undefined;
  name: string | undefined;
  email: string | undefined;
  /** Only a verified email may link an account or pass a domain rule. */
  emailVerified: boolean;
  /** Groups (oidc) or "org" and "org/team" (github). */
  groups: string[];
  /** The claims the upstream's priority rules read, as sent. */
  claims: Record<string, unknown>;
  /** What lets tollgate re-check the person later: an upstream refresh token (oidc), or GitHub's user token (with its refresh token, for a GitHub App). */
  credential: string | undefined;
}

/** The values one round trip is bound to; only tollgate and the person's browser flow know them. */
export interface LoginChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
}

/**
 * What went wrong upstream, in the words a sign-in page needs: `access_denied` (the person or
 * the upstream said no), `unreachable` (network, 5xx), `rejected` (a response that failed
 * validation: state, nonce, issuer, signature), `refused` (a re-check says the person is gone).
 */
export type UpstreamErrorCode = 'access_denied' | 'unreachable' | 'rejected' | 'refused';

/** An upstream endpoint's refusal as it stated it (RFC 6749 §5.2), for the log. */
export interface UpstreamResponse {
  status: number;
  error: string;
  error_description?: string;
}

export class UpstreamError extends Error {
  readonly code: UpstreamErrorCode;
  /** What the upstream answered, when it answered with an error. */
  readonly response: UpstreamResponse | undefined;
  override name = 'UpstreamError';

  constructor(code: UpstreamErrorCode, message: string, options: { cause?: unknown; response?: UpstreamResponse } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.response = options.response;
  }
}

/** One identity provider of any type; new types implement this and join `createUpstreams`. */
export interface Upstream {
  readonly settings: UpstreamSettings;
  /** The origin its sign-in page is on (the sign-in page's CSP form-action must allow it). */
  authorizationOrigin(): string;
  /** Where to send the browser. Checks the upstream answers first, so a dead one fails here, on our page. */
  authorizationUrl(checks: LoginChecks): Promise<URL>;
  /** Redeems the callback (code, PKCE, state, nonce, RFC 9207 iss) and reads the person. */
  complete(callback: URL, checks: LoginChecks): Promise<UpstreamProfile>;
  /** The person as the upstream sees them now, from the stored credential; `refused` if gone. */
  recheck(subject: string, credential: string | undefined): Promise<UpstreamProfile>;
}

/** Network failures, timeouts and 5xx answers: the upstream is down, not the person refused. */
export function isUnreachable(error: unknown): boolean {
  for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < 5; depth++) {
    const { name, message, status, cause } = current as { name?: unknown; message?: unknown; status?: unknown; cause?: unknown };
    if (name === 'TimeoutError' || name === 'AbortError') return true;
    if (current instanceof TypeError && typeof message === 'string' && message.includes('fetch failed')) return true;
    if (typeof status === 'number' && status >= 500) return true;
    current = cause;
  }
  return false;
}

/** A claim as a list of strings (groups come as a list, or a single string from some IdPs). */
export function stringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** How long tollgate waits for an upstream before calling it unreachable. */
export const upstreamTimeoutMs = 5000;
