import { z } from 'zod';

import { federatedIdentities } from '../../federation/federated-identity.ts';
import { allGrantTypes, clientAuthMethods, deviceCodeTtlRange, grantTypes, grantTypeShortNames, type GrantType } from '../../clients/client-record.ts';
import { displayText, principalId, resourceIdentifier, scopeToken } from '../../principals/identifiers.ts';
import { maxPrioritySchema } from '../../principals/max-priority.ts';

const shortNames = Object.keys(grantTypeShortNames) as (keyof typeof grantTypeShortNames)[];

/** A grant type by its full name, or by its short name (`device_code`, `token-exchange`, `jwt-bearer`). */
const grantType = z
  .enum([...allGrantTypes, ...shortNames])
  .transform((value): GrantType => (value in grantTypeShortNames ? grantTypeShortNames[value as keyof typeof grantTypeShortNames] : (value as GrantType)));

/** Seconds a device code of this client lives (RFC 8628 §3.2 expires_in). */
const deviceCodeTtl = z.number().int().min(deviceCodeTtlRange.min).max(deviceCodeTtlRange.max);
export const grantTypeList = z.array(grantType).min(1).max(allGrantTypes.length);

const publicJwks = z.object({ keys: z.array(z.record(z.string(), z.unknown())).min(1).max(10) }).strict();

/** Fields an admin may change on an existing client (PATCH). */
export const clientChanges = z
  .object({
    name: displayText(200).min(1),
    description: displayText(2000),
    grant_types: grantTypeList,
    scopes: z.array(scopeToken).max(100),
    resources: z.array(resourceIdentifier).max(100),
    default_resource: resourceIdentifier.nullable(),
    serves: z.array(resourceIdentifier).max(100),
    max_priority: maxPrioritySchema.nullable(),
    device_code_ttl: deviceCodeTtl.nullable(),
    federated_identities: federatedIdentities,
    disabled: z.boolean(),
    jwks: publicJwks,
  })
  .partial()
  .strict();

/** A new client (POST); the seed's client entries are this schema under camelCase names. */
export const newClient = z
  .object({
    client_id: principalId.optional(),
    name: displayText(200).min(1).optional(),
    description: displayText(2000).default(''),
    grant_types: grantTypeList.default([grantTypes.clientCredentials]),
    token_endpoint_auth_method: z.enum(clientAuthMethods).default('client_secret_basic'),
    jwks: publicJwks.optional(),
    scopes: z.array(scopeToken).max(100).default([]),
    resources: z.array(resourceIdentifier).max(100).default([]),
    default_resource: resourceIdentifier.optional(),
    serves: z.array(resourceIdentifier).max(100).optional(),
    max_priority: maxPrioritySchema.optional(),
    device_code_ttl: deviceCodeTtl.optional(),
    federated_identities: federatedIdentities.optional(),
    disabled: z.boolean().default(false),
  })
  .strict();
