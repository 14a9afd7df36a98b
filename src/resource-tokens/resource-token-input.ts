import { z } from 'zod';

import { displayText, scopeToken } from '../principals/identifiers.ts';
import { maxPrioritySchema } from '../principals/max-priority.ts';

/** The longest a rotated secret keeps working beside its successor. */
export const maxRotationOverlapSeconds = 86400;

/** A new resource token, as a maintainer asks for it (JSON API, pages and CLI). */
export const newResourceToken = z
  .object({
    description: displayText(200).trim().min(1, 'is required: say what the token is for (e.g. "release workflow")'),
    scopes: z.array(scopeToken).max(100).optional().describe('default: every scope the policy allows'),
    max_priority: maxPrioritySchema.optional(),
    expires_at: z.iso.datetime({ offset: true }).describe("required; no later than the resource's maximum lifetime"),
  })
  .strict();

export type NewResourceToken = z.output<typeof newResourceToken>;

export const rotateResourceToken = z
  .object({
    overlap_seconds: z.number().int().min(0).max(maxRotationOverlapSeconds).default(0).describe('how long the old secret keeps working (at most 24 h)'),
  })
  .strict();
