import type { Context, Next } from 'koa';

import { requestIdOf } from '../http/request-log.ts';
import type { SecurityEvents } from '../security/security-events.ts';
import { StorageUnavailableError } from '../storage/storage-unavailable.ts';
import type { Attempt, AttemptLimits } from './attempt-limits.ts';
import { sendTooManyAttempts, sendUnavailable } from './notice-pages.ts';

/**
 * RFC 8628 §5.1: counts user-code entries per IP before oidc-provider checks the code. It
 * only counts: the body is left unread, for oidc-provider to parse. A code that was right
 * (oidc-provider moves on to sign-in with a redirect) is given back, so only misses add up.
 */
export function createUserCodeAttempts(limits: AttemptLimits, events: SecurityEvents) {
  return async function userCodeAttempts(ctx: Context, next: Next) {
    if (ctx.method !== 'POST') return next();
    const attempts: Attempt[] = [['userCodePerIp', ctx.ip]];
    let limited: Awaited<ReturnType<AttemptLimits['hit']>>;
    try {
      limited = await limits.hit(attempts);
    } catch (error) {
      if (error instanceof StorageUnavailableError) return sendUnavailable(ctx);
      throw error;
    }
    if (limited) {
      events.emit('rate_limit.hit', { reqId: requestIdOf(ctx), ip: ctx.ip, limit: 'user_code' });
      return sendTooManyAttempts(ctx, limited.retryAfterSeconds);
    }
    await next();
    if (ctx.res.statusCode >= 300 && ctx.res.statusCode < 400) await limits.refund(attempts);
  };
}
