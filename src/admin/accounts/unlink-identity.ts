import { z } from 'zod';

import { AppError } from '../../errors.ts';
import { adminRoute } from '../admin-route.ts';
import { audit } from '../audit.ts';
import { accountView, accountViewSchema } from './account-view.ts';
import { findAccount } from './find-account.ts';

/**
 * DELETE /admin/accounts/:id/identities/:upstream/:subject: the person can no longer sign in
 * through that upstream identity (a new sign-in with it is a first sign-in again), and the
 * account's logins end: re-checks at refresh go through linked identities, so a login left
 * running without one would refresh unchecked until the refresh cap. Grants do not record
 * which sign-in made them, so every login of the account ends; the person signs in again
 * with whatever is left.
 */
export const unlinkIdentityRoute = adminRoute({
  method: 'DELETE',
  path: '/accounts/:id/identities/:upstream/:subject',
  summary: "Unlink an upstream identity from an account and end the account's logins",
  responses: { 200: accountViewSchema.extend({ revoked_grants: z.number().int() }).strict() },
  async handle({ params, caller }, deps) {
    const record = await findAccount(deps, params.id as string);
    const { upstream, subject } = params as { upstream: string; subject: string };
    if (!(await deps.accounts.unlink(record, upstream, subject)))
      throw new AppError('not_found', `account "${record.id}" has no identity ${subject} at ${upstream}`);
    const revoked = await deps.storage.revokeGrantsOf({ kind: 'account', id: record.id });
    audit(deps, caller, 'account.unlink-identity', { accountId: record.id, upstream, subject, revokedGrants: revoked });
    if (revoked > 0)
      deps.securityEvents.emit('grant.revoked', {
        reqId: caller.reqId,
        ip: caller.ip,
        accountId: record.id,
        by: caller.sub,
        grants: revoked,
        reason: 'identity_unlinked',
        upstream,
      });
    return { body: { ...accountView(record, deps.upstreams.settings), revoked_grants: revoked } };
  },
});
