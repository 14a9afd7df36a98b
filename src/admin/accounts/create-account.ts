import { defaultAccountId, type AccountRecord } from '../../accounts/account-record.ts';
import { hashPassword } from '../../accounts/password-hash.ts';
import { AppError } from '../../errors.ts';
import type { AdminRoute } from '../admin-route.ts';
import { audit } from '../audit.ts';
import { parseInput } from '../../parse-input.ts';
import { newAccount } from './account-input.ts';
import { accountView } from './account-view.ts';
import { accountViewSchema } from './account-view.ts';

/** POST /admin/accounts: the password is kept only as an scrypt hash. */
export const createAccountRoute: AdminRoute = {
  method: 'POST',
  path: '/accounts',
  summary: 'Create an account (a person)',
  body: newAccount,
  responses: { 201: accountViewSchema },
  async handle({ body, caller }, deps) {
    const input = parseInput(newAccount, body);
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
    if (!(await deps.accounts.create(record))) {
      const taken = (await deps.accounts.get(record.id)) ? 'id' : 'username';
      throw new AppError('conflict', `an account with this ${taken} already exists`, { field: taken });
    }
    audit(deps, caller, 'account.create', { accountId: record.id });
    return { status: 201, body: accountView(record) };
  },
};
