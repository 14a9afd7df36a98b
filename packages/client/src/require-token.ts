import { TokenVerificationError } from './token-verification-error.ts';
import type { TokenVerifier, VerifiedAccessToken } from './token-verifier.ts';

/** The part of a koa context the middleware uses (any koa 2 or 3 `Context` fits). */
export interface BearerContext {
  get(field: string): string;
  set(field: string, value: string): void;
  status: number;
  body: unknown;
  state: Record<string, unknown> & { principal?: VerifiedAccessToken };
}

/** Options of {@link requireToken}. */
export interface RequireTokenOptions {
  /** Scopes this route needs, on top of the verifier's own. */
  scopes?: readonly string[];
  /** The realm named in WWW-Authenticate challenges (RFC 6750 §3). */
  realm?: string;
}

// RFC 6750 §2.1: "Bearer" 1*SP b64token; the scheme name is case-insensitive (RFC 9110 §11.1).
const bearerHeader = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const bearerScheme = /^Bearer(?: |$)/i;

/**
 * koa middleware that admits only requests with a valid bearer access token and puts the
 * verified principal on `ctx.state.principal`. Refusals follow RFC 6750 §3: 401 with a
 * `WWW-Authenticate: Bearer` challenge (with `error="invalid_token"` when a token was sent),
 * 403 `insufficient_scope` naming the scopes needed, 400 `invalid_request` for a malformed
 * header, 503 when the issuer's keys cannot be fetched. Bodies are JSON `{ error, error_description }`.
 *
 * @example
 * app.use(requireToken(verifier, { scopes: ['inventory:read'] }));
 * app.use((ctx) => { ctx.body = { hello: ctx.state.principal.subject }; });
 */
export function requireToken(verifier: TokenVerifier, options: RequireTokenOptions = {}) {
  const requiredScopes = options.scopes ?? [];
  const realm = options.realm === undefined ? '' : `realm="${quotable(options.realm)}"`;
  const scopeParam = requiredScopes.length > 0 ? `scope="${quotable(requiredScopes.join(' '))}"` : '';
  const challenge = (...params: string[]) => `Bearer ${[realm, ...params].filter(Boolean).join(', ')}`.trimEnd();

  return async function requireTokenMiddleware(ctx: BearerContext, next: () => Promise<unknown>): Promise<void> {
    const header = ctx.get('authorization');
    if (!header || !bearerScheme.test(header)) {
      // §3.1: a request without credentials gets the challenge but no error code.
      ctx.status = 401;
      ctx.set('www-authenticate', challenge(scopeParam));
      ctx.body = { error: 'unauthorized', error_description: 'a bearer access token is required' };
      return;
    }
    const match = bearerHeader.exec(header);
    if (!match) {
      ctx.status = 400;
      ctx.set('www-authenticate', challenge('error="invalid_request"', 'error_description="malformed Authorization header"'));
      ctx.body = { error: 'invalid_request', error_description: 'malformed Authorization header' };
      return;
    }

    try {
      ctx.state.principal = await verifier.verify(match[1] as string, { requiredScopes });
    } catch (error) {
      if (!(error instanceof TokenVerificationError)) throw error;
      if (!error.oauthError) {
        ctx.status = 503;
        ctx.set('retry-after', '5');
        ctx.body = { error: 'temporarily_unavailable', error_description: error.description };
        return;
      }
      ctx.status = error.status;
      const params = [`error="${error.oauthError}"`, `error_description="${quotable(error.description)}"`];
      if (error.oauthError === 'insufficient_scope') params.push(scopeParam || `scope="${quotable(error.detail ?? '')}"`);
      ctx.set('www-authenticate', challenge(...params));
      ctx.body = { error: error.oauthError, error_description: error.description };
      return;
    }
    await next();
  };
}

/** RFC 6750 §3: attribute values exclude `"` and `\` and control characters. */
function quotable(value: string): string {
  return value.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '');
}
