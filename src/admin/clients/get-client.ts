import type { AdminRoute } from '../admin-route.ts';
import { clientView } from './client-view.ts';
import { findClient } from './find-client.ts';
import { clientViewSchema } from './client-view.ts';

/** GET /admin/clients/:id */
export const getClientRoute: AdminRoute = {
  method: 'GET',
  path: '/clients/:id',
  summary: 'Read a client, with when it last got a token',
  responses: { 200: clientViewSchema },
  async handle({ params }, deps) {
    const record = await findClient(deps, params.id as string);
    return { body: clientView(record, await deps.clients.lastUsed(record.clientId)) };
  },
};
