import { z } from 'zod';

import { adminRoute, type AdminDeps, type AdminRequest, type AdminRoute } from './admin-route.ts';
import { paginate, type PageRequest } from './pagination.ts';
import { pageOf } from './view-schemas.ts';

/** A list endpoint's query schema: the page parameters (pageQuery), and any filters. */
export type PageQuerySchema = z.ZodObject & z.ZodType<PageRequest>;

/** A list endpoint: what it answers with, and how its query selects and orders the items. */
export interface ListSpec<T, V, Q extends PageQuerySchema> {
  path: string;
  summary: string;
  /** The answer's array, e.g. `clients`. */
  key: string;
  item: z.ZodType<V>;
  query: Q;
  /** Every item the query's filters keep, in any order. */
  select(query: z.output<Q>, deps: AdminDeps): Promise<T[]>;
  /** The key pages follow, in code-point order. */
  orderBy(item: T): string;
  view(item: T, deps: AdminDeps): V | Promise<V>;
}

/** GET a list, a page at a time: `{ <key>: [...], next_cursor }`. */
export function listRoute<T, V, Q extends PageQuerySchema>(spec: ListSpec<T, V, Q>): AdminRoute {
  return adminRoute({
    method: 'GET',
    path: spec.path,
    summary: spec.summary,
    query: spec.query,
    responses: { 200: pageOf(spec.key, spec.item) },
    async handle({ query }, deps) {
      const { items, nextCursor } = paginate(await spec.select(query, deps), spec.orderBy, query);
      return { body: { [spec.key]: await Promise.all(items.map((item) => spec.view(item, deps))), next_cursor: nextCursor } };
    },
  });
}

/** A list short enough to answer whole (a resource's tokens, the configured upstreams): what it answers with, and its items. */
export interface WholeListSpec<V> {
  path: string;
  summary: string;
  /** The answer's array, e.g. `tokens`. */
  key: string;
  item: z.ZodType<V>;
  list(request: Pick<AdminRequest, 'params'>, deps: AdminDeps): V[] | Promise<V[]>;
}

/** GET a list, whole: `{ <key>: [...] }`. */
export function wholeListRoute<V>(spec: WholeListSpec<V>): AdminRoute {
  return adminRoute({
    method: 'GET',
    path: spec.path,
    summary: spec.summary,
    responses: { 200: z.object({ [spec.key]: z.array(spec.item) }).strict() },
    async handle({ params }, deps) {
      return { body: { [spec.key]: await spec.list({ params }, deps) } };
    },
  });
}
