import { z } from 'zod';

import { parseInput } from '../../parse-input.ts';
import { adminResource } from '../../resources/resource-server-record.ts';
import type { AdminRoute } from '../admin-route.ts';
import { matchesQuery, pageQuery, paginate } from '../pagination.ts';
import { pageOf } from '../view-schemas.ts';
import { resourceView, resourceViewSchema } from './resource-view.ts';

const query = z.object(pageQuery).strict();

/** GET /admin/resources: the built-in admin API first, then the others by identifier. */
export const listResourcesRoute: AdminRoute = {
  method: 'GET',
  path: '/resources',
  summary: 'List resource servers: the built-in admin API first, then by identifier, a page at a time',
  query,
  responses: { 200: pageOf('resources', resourceViewSchema) },
  async handle(request, deps) {
    const { q, ...page } = parseInput(query, Object.fromEntries(request.query));
    const matching = (await deps.resources.list()).filter((record) => matchesQuery(q, record.identifier, record.name));
    // "0" sorts the built-in one before every other identifier ("1...").
    const { items, nextCursor } = paginate(matching, (record) => `${record.identifier === adminResource.identifier ? 0 : 1}${record.identifier}`, page);
    return { body: { resources: items.map(resourceView), next_cursor: nextCursor } };
  },
};
