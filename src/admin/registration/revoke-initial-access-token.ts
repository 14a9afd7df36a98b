import { z } from 'zod';

import { AppError } from '../../errors.ts';
import { createInitialAccessTokenList } from '../../registration/initial-access-token-list.ts';
import { createRegistrationTermsStore } from '../../registration/registration-terms.ts';
import { adminRoute } from '../admin-route.ts';
import { audit } from '../audit.ts';

/**
 * DELETE /admin/initial-access-tokens/:id: the token registers nothing from now on. Clients it
 * already registered stay (disable or delete them on their own).
 */
export const revokeInitialAccessTokenRoute = adminRoute({
  method: 'DELETE',
  path: '/initial-access-tokens/:id',
  summary: 'Revoke an initial access token by its listing id',
  responses: { 200: z.object({ id: z.string(), revoked: z.literal(true) }).strict() },
  async handle({ params, caller }, deps) {
    const list = createInitialAccessTokenList(deps.storage);
    const entry = await list.get(params.id as string);
    if (!entry || Date.parse(entry.expiresAt) <= Date.now()) throw new AppError('not_found', `no initial access token ${params.id}`);
    await createRegistrationTermsStore(deps.storage).revoke(entry.id, Math.ceil((Date.parse(entry.expiresAt) - Date.now()) / 1000));
    await list.remove(entry.id);
    audit(deps, caller, 'registration.revoke-initial-access-token', { id: entry.id });
    return { body: { id: entry.id, revoked: true } };
  },
});
