import { z } from 'zod';

import { parseInput } from '../../parse-input.ts';
import { resourceIdentifier } from '../../principals/identifiers.ts';
import type { AdminRoute } from '../admin-route.ts';
import { disabledFilter, matchesQuery, pageQuery, paginate } from '../pagination.ts';
import { pageOf } from '../view-schemas.ts';
import { clientViewSchema, clientView } from './client-view.ts';

const query = z
  .object({ ...pageQuery, disabled: disabledFilter, resource: resourceIdentifier.optional().describe('only clients allowed this resource') })
  .strict();

/** GET /admin/clients: clients by id, a page at a time, with when each last got a token. */
export const listClientsRoute: AdminRoute = {
  method: 'GET',
  path: '/clients',
  summary: 'List clients by client_id, a page at a time',
  query,
  responses: { 200: pageOf('clients', clientViewSchema) },
  async handle(request, deps) {
    const { q, disabled, resource, ...page } = parseInput(query, Object.fromEntries(request.query));
    const matching = (await deps.clients.list()).filter(
      (record) =>
        matchesQuery(q, record.clientId, record.name) &&
        (disabled === undefined || String(record.disabled) === disabled) &&
        (resource === undefined || record.resources.includes(resource)),
    );
    const { items, nextCursor } = paginate(matching, (record) => record.clientId, page);
    const lastUsed = await Promise.all(items.map((record) => deps.clients.lastUsed(record.clientId)));
    return { body: { clients: items.map((record, index) => clientView(record, lastUsed[index])), next_cursor: nextCursor } };
  },
};
