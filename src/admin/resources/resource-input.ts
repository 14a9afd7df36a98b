import { z } from 'zod';

import { displayText, resourceIdentifier, scopeToken } from '../../principals/identifiers.ts';
import { signingAlgs } from '../../resources/resource-server-record.ts';

/** Access tokens are bearer credentials: a day is the most a resource server may ask for. */
const accessTokenTtl = z.number().int().min(30).max(86400);

export const resourceChanges = z
  .object({
    name: displayText(200).min(1),
    scopes: z.array(scopeToken).max(100),
    access_token_ttl: accessTokenTtl.nullable(),
    signing_alg: z.enum(signingAlgs),
  })
  .partial()
  .strict();

export const newResource = z
  .object({
    identifier: resourceIdentifier,
    name: displayText(200).min(1).optional(),
    scopes: z.array(scopeToken).max(100).default([]),
    access_token_ttl: accessTokenTtl.optional(),
    signing_alg: z.enum(signingAlgs).default('ES256'),
  })
  .strict();
