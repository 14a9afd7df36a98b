import { z } from 'zod';

import { displayText, principalId, resourceIdentifier, scopeToken } from '../../principals/identifiers.ts';
import { maxPrioritySchema } from '../../principals/max-priority.ts';
import { defaultMaxLifetimeDays, maxLifetimeDaysLimit } from '../../resources/self-service-policy.ts';
import { signingAlgs } from '../../resources/resource-server-record.ts';

/** Access tokens are bearer credentials: a day is the most a resource server may ask for. */
const accessTokenTtl = z.number().int().min(30).max(86400);

/** SPEC §15: accounts by id, and upstream groups (upstream id + group name). */
const maintainersInput = z
  .object({
    accounts: z.array(principalId).max(500).default([]),
    groups: z
      .array(z.object({ upstream: z.string().min(1).max(32), group: z.string().min(1).max(512) }).strict())
      .max(100)
      .default([]),
  })
  .strict();

/** The self-service policy's fields (SPEC §15), flat so that the seed's camelCase names follow. */
const selfServiceFields = {
  self_service: z.boolean().describe('Whether maintainers may manage resource tokens and trusted publishers'),
  self_service_scopes: z.array(scopeToken).max(100).describe('Scopes a resource token may carry (default: every scope of the resource)'),
  // The highest max_priority a resource token may carry (default: none). Not `.describe`d: the
  // OpenAPI document recognises the map schema itself to give it its typed shape.
  self_service_max_priority: maxPrioritySchema,
  self_service_max_lifetime_days: z
    .number()
    .int()
    .min(1)
    .max(maxLifetimeDaysLimit)
    .describe(`The longest a resource token may live, days (default ${defaultMaxLifetimeDays})`),
  trusted_publisher_issuers: z
    .array(z.string().min(1).max(512))
    .max(20)
    .describe('Trusted issuers whose CI identities maintainers may bind (empty: no trusted publishers)'),
};

export const resourceChanges = z
  .object({
    name: displayText(200).min(1),
    scopes: z.array(scopeToken).max(100),
    access_token_ttl: accessTokenTtl.nullable(),
    signing_alg: z.enum(signingAlgs),
    maintainers: maintainersInput.nullable(),
    self_service: selfServiceFields.self_service,
    self_service_scopes: selfServiceFields.self_service_scopes.nullable(),
    self_service_max_priority: selfServiceFields.self_service_max_priority.nullable(),
    self_service_max_lifetime_days: selfServiceFields.self_service_max_lifetime_days,
    trusted_publisher_issuers: selfServiceFields.trusted_publisher_issuers,
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
    maintainers: maintainersInput.optional(),
    self_service: selfServiceFields.self_service.default(false),
    self_service_scopes: selfServiceFields.self_service_scopes.optional(),
    self_service_max_priority: selfServiceFields.self_service_max_priority.optional(),
    self_service_max_lifetime_days: selfServiceFields.self_service_max_lifetime_days.default(defaultMaxLifetimeDays),
    trusted_publisher_issuers: selfServiceFields.trusted_publisher_issuers.default([]),
  })
  .strict();
