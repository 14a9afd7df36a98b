import { AppError } from '../../errors.ts';
import type { AdminRoute } from '../admin-route.ts';
import { audit } from '../audit.ts';
import { findClient } from './find-client.ts';
import { z } from 'zod';

/**
 * DELETE /admin/clients/:id: revokes every grant of the client (its refresh tokens stop at
 * once), then removes it. JWT access tokens it already holds stay valid at resource servers
 * that verify offline until they expire; the client can get no new ones.
 */
export const deleteClientRoute: AdminRoute = {
  method: 'DELETE',
  path: '/clients/:id',
  summary: 'Delete a client and revoke its grants',
  responses: { 200: z.object({ client_id: z.string(), deleted: z.literal(true), revoked_grants: z.number().int() }).strict() },
  async handle({ params, caller }, deps) {
    const record = await findClient(deps, params.id as string);
    if (record.clientId === caller.clientId) throw new AppError('conflict', 'an admin client cannot delete itself');
    const revoked = await deps.storage.revokeGrantsOf({ kind: 'client', id: record.clientId });
    await deps.clients.delete(record.clientId);
    audit(deps, caller, 'client.delete', { clientId: record.clientId, revokedGrants: revoked });
    return { body: { client_id: record.clientId, deleted: true, revoked_grants: revoked } };
  },
};
