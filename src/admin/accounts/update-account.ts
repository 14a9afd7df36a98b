import type { AccountRecord } from '../../accounts/account-record.ts';
import { AppError } from '../../errors.ts';
import type { AdminRoute } from '../admin-route.ts';
import { audit } from '../audit.ts';
import { parseInput } from '../../parse-input.ts';
import { accountChanges } from './account-input.ts';
import { accountView } from './account-view.ts';
import { findAccount } from './find-account.ts';
import { accountViewSchema } from './account-view.ts';

/**
 * PATCH /admin/accounts/:id: only the fields sent change; `null` clears name, email and
 * max_priority. Accounts are read afresh at every refresh, so a new max_priority reaches the
 * next refreshed token and a disabled account's refresh tokens stop at once.
 */
export const updateAccountRoute: AdminRoute = {
  method: 'PATCH',
  path: '/accounts/:id',
  summary: 'Change an account (null clears a field)',
  body: accountChanges,
  responses: { 200: accountViewSchema },
  async handle({ params, body, caller }, deps) {
    const changes = parseInput(accountChanges, body);
    const current = await findAccount(deps, params.id as string);
    const next: AccountRecord = { ...current, updatedAt: new Date().toISOString() };
    if (changes.username !== undefined) next.username = changes.username;
    if (changes.disabled !== undefined) next.disabled = changes.disabled;
    if (changes.name === null) delete next.name;
    else if (changes.name !== undefined) next.name = changes.name;
    if (changes.email === null) delete next.email;
    else if (changes.email !== undefined) next.email = changes.email;
    if (changes.max_priority === null) delete next.maxPriority;
    else if (changes.max_priority !== undefined) next.maxPriority = changes.max_priority;

    if (!(await deps.accounts.save(next, current.username))) {
      throw new AppError('conflict', `the username "${next.username}" is taken`, { field: 'username' });
    }
    audit(deps, caller, 'account.update', { accountId: next.id, fields: Object.keys(changes) });
    return { body: accountView(next) };
  },
};
