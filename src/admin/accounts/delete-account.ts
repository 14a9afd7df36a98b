import type { AdminRoute } from '../admin-route.ts';
import { audit } from '../audit.ts';
import { findAccount } from './find-account.ts';
import { z } from 'zod';

/** DELETE /admin/accounts/:id: revokes every login of the account, then removes it. */
export const deleteAccountRoute: AdminRoute = {
  method: 'DELETE',
  path: '/accounts/:id',
  summary: 'Delete an account and revoke its grants',
  responses: { 200: z.object({ id: z.string(), deleted: z.literal(true), revoked_grants: z.number().int() }).strict() },
  async handle({ params, caller }, deps) {
    const record = await findAccount(deps, params.id as string);
    const revoked = await deps.storage.revokeGrantsOf({ kind: 'account', id: record.id });
    await deps.accounts.delete(record.id);
    audit(deps, caller, 'account.delete', { accountId: record.id, revokedGrants: revoked });
    return { body: { id: record.id, deleted: true, revoked_grants: revoked } };
  },
};
