import type { ClientRecord } from '../../clients/client-record.ts';
import { AppError } from '../../errors.ts';
import type { AdminDeps } from '../admin-route.ts';

/** The client, or a 404 naming it. */
export async function findClient(deps: AdminDeps, clientId: string): Promise<ClientRecord> {
  const record = await deps.clients.get(clientId);
  if (!record) throw new AppError('not_found', `no client "${clientId}"`);
  return record;
}
