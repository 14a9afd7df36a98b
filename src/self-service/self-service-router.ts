import type { Context, Next } from 'koa';

import type { AdminDeps, AdminRoute } from '../admin/admin-route.ts';
import { compile, decodeParam, readJson } from '../admin/admin-router.ts';
import { AppError } from '../errors.ts';
import { requestIdOf } from '../http/request-log.ts';
import { createSelfServiceAuth } from './self-service-auth.ts';

const selfServicePrefix = '/self-service';

/** Routes anyone may call: the API's description, and reporting a leaked token. */
const publicPaths = new Set(['/openapi.json', '/leaked-tokens']);

/**
 * Serves the maintainers' JSON API under /self-service: every route but the public ones needs
 * the maintainer's own access token (self-service-auth.ts); the routes check the resource.
 */
export function createSelfServiceRouter(deps: AdminDeps, routes: AdminRoute[]) {
  const authenticate = createSelfServiceAuth({ issuer: deps.config.issuer, signingKeys: deps.signingKeys, accounts: deps.accounts });
  const compiled = routes.map(compile);

  return async function selfServiceRouter(ctx: Context, next: Next) {
    if (!ctx.path.startsWith(`${selfServicePrefix}/`)) return next();
    ctx.set('cache-control', 'no-store');
    const path = ctx.path.slice(selfServicePrefix.length);
    const sub = publicPaths.has(path) ? '' : (await authenticate(ctx.get('authorization') || undefined)).id;

    const matches = compiled.map((entry) => ({ entry, found: entry.pattern.exec(path) })).filter(({ found }) => found);
    if (matches.length === 0) throw new AppError('not_found', `no self-service endpoint ${path}`);
    const match = matches.find(({ entry }) => entry.route.method === ctx.method);
    if (!match)
      throw new AppError('method_not_allowed', `${ctx.method} is not allowed on ${path}`, {
        headers: { allow: [...new Set(matches.map(({ entry }) => entry.route.method))].join(', ') },
      });

    const params: Record<string, string> = {};
    match.entry.names.forEach((name, index) => (params[name] = decodeParam(match.found?.[index + 1] ?? '')));
    const body = ['POST', 'PUT', 'PATCH'].includes(ctx.method) ? await readJson(ctx) : undefined;
    const caller = { clientId: '', sub, reqId: requestIdOf(ctx), ip: ctx.ip };
    const result = await match.entry.route.handle({ params, body, query: new URLSearchParams(ctx.querystring), caller }, deps);
    ctx.status = result.status ?? 200;
    if (result.body !== undefined) ctx.body = result.body;
  };
}
