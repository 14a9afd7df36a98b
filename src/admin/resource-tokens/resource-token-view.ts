import { z } from 'zod';

import { timestamp } from '../view-schemas.ts';
import type { ResourceTokenRecord, TokenUse } from '../../resource-tokens/resource-token-record.ts';
import { actor, actorView, credentialView, credentialViewSchema } from './credential-view.ts';

/** Tokens this close to their expiry are flagged (pages, metrics), as GitHub and GitLab warn. */
export const expiringSoonMs = 14 * 86400_000;

/** A resource token as maintainers and admins see it: never its value nor its hash. */
export const resourceTokenViewSchema = credentialViewSchema.extend({
  id: z.string().describe("the token's public id: its client_id, and the sub and client_id of the access tokens it gets"),
  creator_is_maintainer: z.boolean().describe('false once the creator has left the team: the token keeps working, the team decides'),
  expires_at: timestamp,
  expires_soon: z.boolean().describe('expires within 14 days'),
  rotated_at: timestamp.nullable(),
  revoked_at: timestamp.nullable(),
  revoked_by: actorView.nullable(),
  status: z.enum(['active', 'revoked']),
});

export type ResourceTokenView = z.infer<typeof resourceTokenViewSchema>;

/** A new or rotated token with its value, shown this once. */
export const issuedTokenViewSchema = resourceTokenViewSchema.extend({
  token: z.string().describe('the value, shown once: client_id is its part before the second "_", client_secret the whole value'),
});

export function resourceTokenView(record: ResourceTokenRecord, use: TokenUse | undefined, creatorIsMaintainer: boolean, now = Date.now()): ResourceTokenView {
  return {
    ...credentialView(record, use),
    creator_is_maintainer: creatorIsMaintainer,
    expires_at: record.expiresAt,
    expires_soon: !record.revokedAt && Date.parse(record.expiresAt) - now < expiringSoonMs,
    rotated_at: record.rotatedAt ?? null,
    revoked_at: record.revokedAt ?? null,
    revoked_by: record.revokedBy ? actor(record.revokedBy) : null,
    status: record.revokedAt ? 'revoked' : 'active',
  };
}
