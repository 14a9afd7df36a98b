import { z } from 'zod';

import { hashPassword } from '../../accounts/password-hash.ts';
import { adminRoute } from '../admin-route.ts';
import { audit } from '../audit.ts';
import { passwordChange } from './account-input.ts';
import { accountView, accountViewSchema } from './account-view.ts';
import { findAccount } from './find-account.ts';

/** PUT /admin/accounts/:id/password, optionally ending every login of the account. */
export const setAccountPasswordRoute = adminRoute({
  method: 'PUT',
  path: '/accounts/:id/password',
  summary: "Set an account's password",
  body: passwordChange,
  responses: { 200: accountViewSchema.extend({ revoked_grants: z.number().int() }).strict() },
  async handle({ params, body, caller }, deps) {
    const current = await findAccount(deps, params.id as string);
    const next = { ...current, passwordHash: await hashPassword(body.password), updatedAt: new Date().toISOString() };
    await deps.accounts.save(next);
    const revoked = body.revoke_grants ? await deps.storage.revokeGrantsOf({ kind: 'account', id: next.id }) : 0;
    audit(deps, caller, 'account.set-password', { accountId: next.id, revokedGrants: revoked });
    return { body: { ...accountView(next, deps.upstreams.settings), revoked_grants: revoked } };
  },
});
