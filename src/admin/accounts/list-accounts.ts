import { z } from 'zod';

import { parseInput } from '../../parse-input.ts';
import type { AdminRoute } from '../admin-route.ts';
import { disabledFilter, matchesQuery, pageQuery, paginate } from '../pagination.ts';
import { pageOf } from '../view-schemas.ts';
import { accountView, accountViewSchema } from './account-view.ts';

const query = z.object({ ...pageQuery, disabled: disabledFilter }).strict();

/** GET /admin/accounts: accounts by username, a page at a time. */
export const listAccountsRoute: AdminRoute = {
  method: 'GET',
  path: '/accounts',
  summary: 'List accounts by username, a page at a time (q matches id, username, name, email)',
  query,
  responses: { 200: pageOf('accounts', accountViewSchema) },
  async handle(request, deps) {
    const { q, disabled, ...page } = parseInput(query, Object.fromEntries(request.query));
    const matching = (await deps.accounts.list()).filter(
      (record) => matchesQuery(q, record.id, record.username, record.name, record.email) && (disabled === undefined || String(record.disabled) === disabled),
    );
    const { items, nextCursor } = paginate(matching, (record) => record.username, page);
    return { body: { accounts: items.map(accountView), next_cursor: nextCursor } };
  },
};
