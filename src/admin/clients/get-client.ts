import type { AdminRoute } from '../admin-route.ts';
import { clientView } from './client-view.ts';
import { findClient } from './find-client.ts';

/** GET /admin/clients/:id */
export const getClientRoute: AdminRoute = {
  method: 'GET',
  path: '/clients/:id',
  async handle({ params }, deps) {
    const record = await findClient(deps, params.id as string);
    return { body: clientView(record, await deps.clients.lastUsed(record.clientId)) };
  },
};
