import { randomUUID } from 'node:crypto';
import type { Context } from 'koa';

import type { Logger } from '../logger.ts';

const requestIdPattern = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * The request's id, from any koa context of the request: ours keeps it in state, and
 * oidc-provider's (a koa app of its own, with its own context) finds it on the shared response.
 */
export function requestIdOf(ctx: { state?: { requestId?: unknown }; res: { getHeader(name: string): unknown } }): string | undefined {
  const id = ctx.state?.requestId ?? ctx.res.getHeader('x-request-id');
  return typeof id === 'string' ? id : undefined;
}

// Interaction ids are bearer-like (with the cookie they resume a person's sign-in), and
// whatever follows /device/ (an interaction id, or a user code someone typed into the path) too.
const secretSegments = /^(\/(?:interaction|device)\/)(?!auth\/?$)[^/]+/i;

/** A request path as it may be logged: secret-ish segments replaced. */
function redactPath(path: string): string {
  return path.replace(secretSegments, '$1[redacted]');
}

/** Gives the request an id (or keeps a sane incoming X-Request-Id) and answers with it. */
export function assignRequestId(ctx: Context): string {
  const incoming = ctx.get('x-request-id');
  const requestId = requestIdPattern.test(incoming) ? incoming : randomUUID();
  ctx.state.requestId = requestId;
  ctx.set('x-request-id', requestId);
  return requestId;
}

/** The request's one log line, at debug level: at the usual info level nothing of it is built. */
export function logRequest(logger: Logger, ctx: Context, requestId: string, ms: number): void {
  if (!logger.isLevelEnabled('debug')) return;
  // The path only: query strings can carry codes (verification_uri_complete has user_code).
  logger.debug({ reqId: requestId, method: ctx.method, path: redactPath(ctx.path), status: ctx.res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
}
