import type { Context, Next } from 'koa';

import type { Storage } from '../storage/storage.ts';

/**
 * `/healthz`: the process answers. `/readyz`: and its storage does too, and (multi-process)
 * every worker of the host has started (`allStarted`).
 */
export function createHealthRoutes(storage: Storage, allStarted: () => boolean = () => true) {
  return async function healthRoutes(ctx: Context, next: Next) {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    if (ctx.path === '/healthz') {
      ctx.body = { status: 'ok' };
      return;
    }
    if (ctx.path === '/readyz') {
      if (!allStarted()) {
        ctx.status = 503;
        ctx.body = { status: 'starting', storage: storage.kind };
        return;
      }
      try {
        await storage.ping();
        ctx.body = { status: 'ready', storage: storage.kind };
      } catch {
        ctx.status = 503;
        ctx.body = { status: 'unavailable', storage: storage.kind };
      }
      return;
    }
    return next();
  };
}
