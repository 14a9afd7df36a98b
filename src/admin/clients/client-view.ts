import { z } from 'zod';

import type { ClientRecord } from '../../clients/client-record.ts';
import { secretInForce } from '../../clients/client-secret.ts';
import { federatedIdentitySchema, type FederatedIdentity } from '../../federation/federated-identity.ts';
import { maxPriorityView, timestamp } from '../view-schemas.ts';

/** A client as the admin API shows it: never a secret or its hash. */
export const clientViewSchema = z
  .object({
    client_id: z.string(),
    name: z.string(),
    description: z.string(),
    grant_types: z.array(z.string()),
    token_endpoint_auth_method: z.string(),
    scopes: z.array(z.string()),
    resources: z.array(z.string()),
    default_resource: z.string().nullable(),
    serves: z.array(z.string()).describe('resources this client serves: it may exchange tokens issued for them (RFC 8693)'),
    max_priority: maxPriorityView,
    device_code_ttl: z.number().int().nullable().describe('seconds a device code of this client lives; null: the server default'),
    federated_identities: z.array(federatedIdentitySchema).describe('workload identities that may present a jwt-bearer assertion for this client'),
    disabled: z.boolean(),
    registered: z.boolean().describe('registered itself through RFC 7591'),
    jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).optional(),
    previous_secrets_expire_at: z.array(timestamp).describe('replaced secrets still in their rotation overlap window, by when they stop working'),
    created_at: timestamp,
    updated_at: timestamp,
    last_used_at: timestamp.nullable(),
  })
  .strict();

/** Create and rotate-secret answers: the only place a generated secret ever appears. */
export const clientWithSecretSchema = clientViewSchema.extend({ client_secret: z.string().optional() }).strict();

export type ClientView = z.infer<typeof clientViewSchema>;

export function clientView(record: ClientRecord, lastUsedAt: string | undefined): ClientView {
  const now = Date.now();
  return {
    client_id: record.clientId,
    name: record.name,
    description: record.description,
    grant_types: record.grantTypes,
    token_endpoint_auth_method: record.authMethod,
    scopes: record.scopes,
    resources: record.resources,
    default_resource: record.defaultResource ?? null,
    serves: record.serves ?? [],
    max_priority: record.maxPriority ?? null,
    device_code_ttl: record.deviceCodeTtl ?? null,
    // A stored client's identities all have a subject (federatedIdentitySchema requires one); only
    // a trusted publisher's lacks it, and those are not clients of the admin API.
    federated_identities: (record.federatedIdentities ?? []).filter(
      (identity): identity is FederatedIdentity & { subject: string } => identity.subject !== undefined,
    ),
    disabled: record.disabled,
    registered: record.registered ?? false,
    ...(record.jwks ? { jwks: record.jwks as unknown as ClientView['jwks'] } : {}),
    previous_secrets_expire_at: record.secrets.slice(1).flatMap((secret) => (secret.expiresAt && secretInForce(secret, now) ? [secret.expiresAt] : [])),
    created_at: record.createdAt,
    updated_at: record.updatedAt,
    last_used_at: lastUsedAt ?? null,
  };
}
