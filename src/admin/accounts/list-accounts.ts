import type { AdminRoute } from '../admin-route.ts';
import { accountView } from './account-view.ts';

/** GET /admin/accounts: every account, sorted by username. */
export const listAccountsRoute: AdminRoute = {
  method: 'GET',
  path: '/accounts',
  async handle(_request, deps) {
    const records = (await deps.accounts.list()).sort((a, b) => a.username.localeCompare(b.username));
    return { body: { accounts: records.map(accountView) } };
  },
};
