import type Provider from 'oidc-provider';
import { z } from 'zod';

import { parseInput } from '../parse-input.ts';
import type { SelfService } from '../self-service/create-self-service.ts';
import type { Services } from '../services.ts';

/** What admin handlers work with. */
export interface AdminDeps extends Services {
  provider: Provider;
  /** Resource tokens and trusted publishers (SPEC §15): admins see and revoke or remove every one. */
  selfService: SelfService;
}

/** The caller, as its verified bearer token says. */
export interface AdminCaller {
  clientId: string;
  sub: string;
  /** Where the call came from, for the security log. */
  reqId?: string | undefined;
  ip?: string | undefined;
}

export interface AdminRequest {
  params: Record<string, string>;
  body: unknown;
  query: URLSearchParams;
  caller: AdminCaller;
}

export interface AdminResult {
  status?: number;
  body?: unknown;
}

/**
 * One endpoint of the admin API, as the router calls it (routes are made with `adminRoute`):
 * `path` is relative to /admin, with `:name` parameters. Its schemas are the one source of
 * /admin/openapi.json: `body` and `query` are the very schemas its input is parsed with,
 * `responses` the shape of each success answer (errors share one shape). Tests validate every
 * admin answer against the document, so a field added to a view but not to its schema fails them.
 */
export interface AdminRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  /** One line for the API description. */
  summary: string;
  body?: z.ZodType;
  query?: z.ZodObject;
  responses: { [status: number]: z.ZodType };
  handle(request: AdminRequest, deps: AdminDeps): Promise<AdminResult>;
}

/** The schema of a route without a query: it reads nothing from the query string. */
const noQuery = z.object({});

/** An admin request whose body and query string are parsed (and typed) by the route's schemas. */
export interface AdminInput<B, Q> {
  params: Record<string, string>;
  body: B;
  query: Q;
  caller: AdminCaller;
}

/** `B` and `Q` default to "none": a route without a `body` schema gets no body, one without `query` an empty query. */
export interface AdminRouteSpec<B extends z.ZodType, Q extends z.ZodObject> extends Omit<AdminRoute, 'body' | 'query' | 'handle'> {
  body?: B;
  query?: Q;
  handle(input: AdminInput<z.output<B>, z.output<Q>>, deps: AdminDeps): Promise<AdminResult>;
}

/**
 * An AdminRoute whose handler gets its input parsed, the body by `body` and the query string by
 * `query`, before it runs: the first problem is a 400 naming its field. What is parsed is what
 * /admin/openapi.json describes, so the two cannot drift.
 */
export function adminRoute<B extends z.ZodType = z.ZodUndefined, Q extends z.ZodObject = typeof noQuery>(spec: AdminRouteSpec<B, Q>): AdminRoute {
  const { handle, ...route } = spec;
  return {
    ...route,
    handle: ({ params, body, query, caller }, deps) =>
      handle(
        {
          params,
          caller,
          // B and Q keep their defaults (no body, an empty query) exactly when the spec has no schema.
          body: (spec.body ? parseInput(spec.body, body) : undefined) as z.output<B>,
          query: parseInput(spec.query ?? noQuery, Object.fromEntries(query)) as z.output<Q>,
        },
        deps,
      ),
  };
}
