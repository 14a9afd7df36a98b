import { z } from 'zod';

import { maxPriorityView, timestamp } from '../view-schemas.ts';
import type { ResourceCredential, TokenActor, TokenUse } from '../../resource-tokens/resource-token-record.ts';

/** Who made or changed a resource token or trusted publisher. */
export const actorView = z.object({ kind: z.enum(['account', 'admin', 'report']), id: z.string(), name: z.string().nullable() }).strict();

export const actor = (who: TokenActor) => ({ kind: who.kind, id: who.id, name: who.name ?? null });

/** What the views of a resource token and of a trusted publisher share: the credential, its rights and its last use. */
export const credentialViewSchema = z
  .object({
    id: z.string(),
    resource: z.string(),
    description: z.string(),
    scopes: z.array(z.string()),
    max_priority: maxPriorityView,
    created_by: actorView,
    created_at: timestamp,
    last_used_at: timestamp.nullable(),
    last_used_ip: z.string().nullable(),
  })
  .strict();

export function credentialView(record: ResourceCredential, use: TokenUse | undefined): z.infer<typeof credentialViewSchema> {
  return {
    id: record.id,
    resource: record.resource,
    description: record.description,
    scopes: record.scopes,
    max_priority: record.maxPriority ?? null,
    created_by: actor(record.createdBy),
    created_at: record.createdAt,
    last_used_at: use?.at ?? null,
    last_used_ip: use?.ip ?? null,
  };
}
