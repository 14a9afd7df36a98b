import type { Context, Next } from 'koa';
import { requestIdOf } from '../http/request-log.ts';

import { AppError } from '../errors.ts';
import { readBody } from '../http/read-body.ts';
import { createAdminAuth } from './admin-auth.ts';
import type { AdminDeps, AdminRoute } from './admin-route.ts';

export interface CompiledRoute {
  route: AdminRoute;
  pattern: RegExp;
  names: string[];
}

const prefix = '/admin';

/**
 * Serves the admin API under /admin: authenticates every request first (nothing admin, not
 * even a 404, is visible without an admin token), then dispatches to the matching route.
 */
export function createAdminRouter(deps: AdminDeps, routes: AdminRoute[]) {
  const authenticate = createAdminAuth({ issuer: deps.config.issuer, signingKeys: deps.signingKeys, clients: deps.clients, accounts: deps.accounts });
  const compiled = routes.map(compile);

  return async function adminRouter(ctx: Context, next: Next) {
    if (ctx.path !== prefix && !ctx.path.startsWith(`${prefix}/`)) return next();
    ctx.set('cache-control', 'no-store');

    const caller = await authenticate(ctx.get('authorization') || undefined).catch((error: unknown) => {
      // Who knocks on the admin API without a valid admin token is a security event.
      if (error instanceof AppError)
        deps.securityEvents.emit('admin.refused', {
          reqId: requestIdOf(ctx),
          ip: ctx.ip,
          method: ctx.method,
          path: ctx.path.slice(0, 200),
          status: error.status,
          reason: error.message,
        });
      throw error;
    });

    const path = ctx.path.slice(prefix.length) || '/';
    const matches = compiled.map((entry) => ({ entry, found: entry.pattern.exec(path) })).filter(({ found }) => found);
    if (matches.length === 0) throw new AppError('not_found', `no admin endpoint ${path}`);
    const match = matches.find(({ entry }) => entry.route.method === ctx.method);
    if (!match) {
      const allow = [...new Set(matches.map(({ entry }) => entry.route.method))].join(', ');
      throw new AppError('method_not_allowed', `${ctx.method} is not allowed on ${path}`, { headers: { allow } });
    }

    const params: Record<string, string> = {};
    match.entry.names.forEach((name, index) => (params[name] = decodeParam(match.found?.[index + 1] ?? '')));
    const body = ['POST', 'PUT', 'PATCH'].includes(ctx.method) ? await readJson(ctx) : undefined;
    const from = { reqId: requestIdOf(ctx), ip: ctx.ip };
    const result = await match.entry.route.handle({ params, body, query: new URLSearchParams(ctx.querystring), caller: { ...caller, ...from } }, deps);
    ctx.status = result.status ?? 200;
    if (result.body !== undefined) ctx.body = result.body;
  };
}

/** A route's path as a pattern and the names of its parameters (shared with the self-service API). */
export function compile(route: AdminRoute): CompiledRoute {
  const names: string[] = [];
  const source = route.path.replace(/:([a-z_]+)/g, (_match, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), names };
}

export function decodeParam(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new AppError('not_found', 'malformed percent-encoding in the path');
  }
}

export async function readJson(ctx: Context): Promise<unknown> {
  const type = ctx.get('content-type');
  if (type && !ctx.is('application/json')) {
    throw new AppError('invalid_field', 'the admin API takes application/json', { field: 'content-type' });
  }
  return readBody(ctx);
}
