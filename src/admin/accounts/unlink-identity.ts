import { AppError } from '../../errors.ts';
import { adminRoute } from '../admin-route.ts';
import { audit } from '../audit.ts';
import { accountView, accountViewSchema } from './account-view.ts';
import { findAccount } from './find-account.ts';

/**
 * DELETE /admin/accounts/:id/identities/:upstream/:subject: the person can no longer sign in
 * through that upstream identity (a new sign-in with it is a first sign-in again). Existing
 * logins are left alone; revoke-grants ends them.
 */
export const unlinkIdentityRoute = adminRoute({
  method: 'DELETE',
  path: '/accounts/:id/identities/:upstream/:subject',
  summary: 'Unlink an upstream identity from an account',
  responses: { 200: accountViewSchema },
  async handle({ params, caller }, deps) {
    const record = await findAccount(deps, params.id as string);
    const { upstream, subject } = params as { upstream: string; subject: string };
    if (!(await deps.accounts.unlink(record, upstream, subject))) throw new AppError('not_found', `account "${record.id}" has no identity ${subject} at ${upstream}`);
    audit(deps, caller, 'account.unlink-identity', { accountId: record.id, upstream, subject });
    return { body: accountView(record) };
  },
});
