import { z } from 'zod';

import { createInitialAccessTokenList } from '../../registration/initial-access-token-list.ts';
import { listRoute } from '../list-route.ts';
import { pageQuery } from '../pagination.ts';
import { initialAccessTokenView, initialAccessTokenViewSchema } from './initial-access-token-view.ts';

/** GET /admin/initial-access-tokens: the unexpired ones, oldest first, never the tokens themselves. */
export const listInitialAccessTokensRoute = listRoute({
  path: '/initial-access-tokens',
  summary: 'List unexpired initial access tokens (their terms and listing ids, never the tokens)',
  key: 'initial_access_tokens',
  item: initialAccessTokenViewSchema,
  query: z.object({ limit: pageQuery.limit, cursor: pageQuery.cursor }).strict(),
  select: (_query, deps) => createInitialAccessTokenList(deps.storage).list(),
  orderBy: (entry) => `${entry.createdAt} ${entry.id}`,
  view: initialAccessTokenView,
});
