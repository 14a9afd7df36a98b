import { z } from 'zod';

import { defaultAccountId, type AccountRecord } from '../../accounts/account-record.ts';
import { hashPassword } from '../../accounts/password-hash.ts';
import { AppError } from '../../errors.ts';
import { disabledFilter, matchesQuery, pageQuery } from '../pagination.ts';
import {
  createRecordRoute,
  deleteRecordRoute,
  getRecordRoute,
  listRecordsRoute,
  patch,
  updateRecordRoute,
  type GrantHolder,
  type RecordKind,
} from '../record-routes.ts';
import { accountChanges, newAccount } from './account-input.ts';
import { accountView, accountViewSchema, type AccountView } from './account-view.ts';
import { findAccount } from './find-account.ts';

/** Accounts (people) in the admin API: /admin/accounts/:id, where :id may also be the username. */
export const accountKind: RecordKind<AccountRecord, AccountView> & GrantHolder = {
  name: 'account',
  collection: 'accounts',
  param: 'id',
  field: 'id',
  auditField: 'accountId',
  idOf: (record) => record.id,
  find: findAccount,
  view: accountViewSchema,
  show: (record, deps) => accountView(record, deps.upstreams.settings),
  grants: 'account',
};

/** GET /admin/accounts: accounts by username, a page at a time. */
export const listAccountsRoute = listRecordsRoute(accountKind, {
  summary: 'List accounts by username, a page at a time (q matches id, username, name, email)',
  query: z.object({ ...pageQuery, disabled: disabledFilter }).strict(),
  select: async ({ q, disabled }, deps) =>
    (await deps.accounts.list()).filter(
      (record) => matchesQuery(q, record.id, record.username, record.name, record.email) && (disabled === undefined || String(record.disabled) === disabled),
    ),
  orderBy: (record) => record.username,
});

/** POST /admin/accounts: the password is kept only as an scrypt hash. */
export const createAccountRoute = createRecordRoute(accountKind, {
  summary: 'Create an account (a person)',
  body: newAccount,
  async build(input) {
    const now = new Date().toISOString();
    const record: AccountRecord = {
      id: input.id ?? defaultAccountId(input.username, 'id'),
      username: input.username,
      passwordHash: await hashPassword(input.password),
      ...(input.name ? { name: input.name } : {}),
      ...(input.email ? { email: input.email } : {}),
      ...(input.max_priority ? { maxPriority: input.max_priority } : {}),
      disabled: input.disabled,
      createdAt: now,
      updatedAt: now,
    };
    return { record };
  },
  async insert(deps, record) {
    if (await deps.accounts.create(record)) return;
    const taken = (await deps.accounts.get(record.id)) ? 'id' : 'username';
    throw new AppError('conflict', `an account with this ${taken} already exists`, { field: taken });
  },
});

/** GET /admin/accounts/:id */
export const getAccountRoute = getRecordRoute(accountKind, 'Read an account (by id or username)');

/**
 * PATCH /admin/accounts/:id: only the fields sent change; `null` clears name, email and
 * max_priority. Accounts are read afresh at every refresh, so a new max_priority reaches the
 * next refreshed token and a disabled account's refresh tokens stop at once.
 */
export const updateAccountRoute = updateRecordRoute(accountKind, {
  summary: 'Change an account (null clears a field)',
  body: accountChanges,
  apply: (next, changes) =>
    patch(next, { username: changes.username, disabled: changes.disabled, name: changes.name, email: changes.email, maxPriority: changes.max_priority }),
  async save(deps, next, current) {
    if (!(await deps.accounts.save(next, current.username))) throw new AppError('conflict', `the username "${next.username}" is taken`, { field: 'username' });
  },
});

/** DELETE /admin/accounts/:id: revokes every login of the account, then removes it. */
export const deleteAccountRoute = deleteRecordRoute(accountKind, {
  summary: 'Delete an account and revoke its grants',
  remove: (deps, id) => deps.accounts.delete(id),
});
