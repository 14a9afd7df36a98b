import { z } from 'zod';

import { parseInput } from '../../parse-input.ts';
import { createInitialAccessTokenList } from '../../registration/initial-access-token-list.ts';
import type { AdminRoute } from '../admin-route.ts';
import { pageQuery, paginate } from '../pagination.ts';
import { pageOf } from '../view-schemas.ts';
import { initialAccessTokenView, initialAccessTokenViewSchema } from './initial-access-token-view.ts';

const query = z.object({ limit: pageQuery.limit, cursor: pageQuery.cursor }).strict();

/** GET /admin/initial-access-tokens: the unexpired ones, oldest first, never the tokens themselves. */
export const listInitialAccessTokensRoute: AdminRoute = {
  method: 'GET',
  path: '/initial-access-tokens',
  summary: 'List unexpired initial access tokens (their terms and listing ids, never the tokens)',
  query,
  responses: { 200: pageOf('initial_access_tokens', initialAccessTokenViewSchema) },
  async handle(request, deps) {
    const page = parseInput(query, Object.fromEntries(request.query));
    const entries = await createInitialAccessTokenList(deps.storage).list();
    const { items, nextCursor } = paginate(entries, (entry) => `${entry.createdAt} ${entry.id}`, page);
    return { body: { initial_access_tokens: items.map(initialAccessTokenView), next_cursor: nextCursor } };
  },
};
