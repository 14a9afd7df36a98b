import type { AdminRoute } from '../admin-route.ts';
import { clientView } from './client-view.ts';

/** GET /admin/clients: every client, sorted by id, with when each last got a token. */
export const listClientsRoute: AdminRoute = {
  method: 'GET',
  path: '/clients',
  async handle(_request, deps) {
    const records = (await deps.clients.list()).sort((a, b) => a.clientId.localeCompare(b.clientId));
    const lastUsed = await Promise.all(records.map((record) => deps.clients.lastUsed(record.clientId)));
    return { body: { clients: records.map((record, index) => clientView(record, lastUsed[index])) } };
  },
};
