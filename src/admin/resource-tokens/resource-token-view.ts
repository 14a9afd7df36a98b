import { z } from 'zod';

import { maxPriorityView, timestamp } from '../view-schemas.ts';
import type { ResourceTokenRecord, TokenActor, TokenUse } from '../../resource-tokens/resource-token-record.ts';

/** Tokens this close to their expiry are flagged (pages, metrics), as GitHub and GitLab warn. */
export const expiringSoonMs = 14 * 86400_000;

/** Who made or changed a resource token or trusted publisher. */
export const actorView = z.object({ kind: z.enum(['account', 'admin', 'report']), id: z.string(), name: z.string().nullable() }).strict();

/** A resource token as maintainers and admins see it: never its value nor its hash. */
export const resourceTokenViewSchema = z
  .object({
    id: z.string().describe('the token\'s public id: its client_id, and the sub and client_id of the access tokens it gets'),
    resource: z.string(),
    description: z.string(),
    scopes: z.array(z.string()),
    max_priority: maxPriorityView,
    created_by: actorView,
    creator_is_maintainer: z.boolean().describe('false once the creator has left the team: the token keeps working, the team decides'),
    created_at: timestamp,
    expires_at: timestamp,
    expires_soon: z.boolean().describe('expires within 14 days'),
    rotated_at: timestamp.nullable(),
    last_used_at: timestamp.nullable(),
    last_used_ip: z.string().nullable(),
    revoked_at: timestamp.nullable(),
    revoked_by: actorView.nullable(),
    status: z.enum(['active', 'revoked']),
  })
  .strict();

export type ResourceTokenView = z.infer<typeof resourceTokenViewSchema>;

/** A new or rotated token with its value, shown this once. */
export const issuedTokenViewSchema = resourceTokenViewSchema.extend({
  token: z.string().describe('the value, shown once: client_id is its part before the second "_", client_secret the whole value'),
});

export const actor = (who: TokenActor) => ({ kind: who.kind, id: who.id, name: who.name ?? null });

export function resourceTokenView(record: ResourceTokenRecord, use: TokenUse | undefined, creatorIsMaintainer: boolean, now = Date.now()): ResourceTokenView {
  return {
    id: record.id,
    resource: record.resource,
    description: record.description,
    scopes: record.scopes,
    max_priority: record.maxPriority ?? null,
    created_by: actor(record.createdBy),
    creator_is_maintainer: creatorIsMaintainer,
    created_at: record.createdAt,
    expires_at: record.expiresAt,
    expires_soon: !record.revokedAt && Date.parse(record.expiresAt) - now < expiringSoonMs,
    rotated_at: record.rotatedAt ?? null,
    last_used_at: use?.at ?? null,
    last_used_ip: use?.ip ?? null,
    revoked_at: record.revokedAt ?? null,
    revoked_by: record.revokedBy ? actor(record.revokedBy) : null,
    status: record.revokedAt ? 'revoked' : 'active',
  };
}
