import type { AdminRoute } from '../admin-route.ts';
import { accountView } from './account-view.ts';
import { findAccount } from './find-account.ts';
import { accountViewSchema } from './account-view.ts';

/** GET /admin/accounts/:id */
export const getAccountRoute: AdminRoute = {
  method: 'GET',
  path: '/accounts/:id',
  summary: 'Read an account (by id or username)',
  responses: { 200: accountViewSchema },
  async handle({ params }, deps) {
    return { body: accountView(await findAccount(deps, params.id as string)) };
  },
};
