import { z } from 'zod';

import type { IssuedInitialAccessToken } from '../../registration/initial-access-token-list.ts';
import { maxPriorityView, timestamp } from '../view-schemas.ts';

/** An issued initial access token and its terms, as admins list it: never the token. */
export const initialAccessTokenViewSchema = z
  .object({
    id: z.string().describe("the token's listing id (a hash of it), for revocation"),
    created_at: timestamp,
    expires_at: timestamp,
    resources: z.array(z.string()),
    scopes: z.array(z.string()),
    grant_types: z.array(z.string()),
    default_resource: z.string().nullable(),
    max_priority: maxPriorityView,
    single_use: z.boolean(),
  })
  .strict();

/** The issue answer: the only place the token itself ever appears. */
export const initialAccessTokenIssued = initialAccessTokenViewSchema.extend({ initial_access_token: z.string(), registration_endpoint: z.url() }).strict();

export type InitialAccessTokenView = z.infer<typeof initialAccessTokenViewSchema>;

export function initialAccessTokenView({ id, createdAt, expiresAt, terms }: IssuedInitialAccessToken): InitialAccessTokenView {
  return {
    id,
    created_at: createdAt,
    expires_at: expiresAt,
    resources: terms.resources,
    scopes: terms.scopes,
    grant_types: terms.grantTypes,
    default_resource: terms.defaultResource ?? null,
    max_priority: terms.maxPriority ?? null,
    single_use: terms.singleUse,
  };
}
