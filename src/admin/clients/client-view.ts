import type { ClientRecord } from '../../clients/client-record.ts';
import { secretInForce } from '../../clients/client-secret.ts';

/** A client as the admin API shows it: never a secret or its hash. */
export function clientView(record: ClientRecord, lastUsedAt: string | undefined) {
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
    federated_identities: record.federatedIdentities ?? [],
    disabled: record.disabled,
    registered: record.registered ?? false,
    ...(record.jwks ? { jwks: record.jwks } : {}),
    // Previous secrets still inside their rotation overlap window, by when they stop working.
    previous_secrets_expire_at: record.secrets
      .slice(1)
      .flatMap((secret) => (secret.expiresAt && secretInForce(secret, now) ? [secret.expiresAt] : [])),
    created_at: record.createdAt,
    updated_at: record.updatedAt,
    last_used_at: lastUsedAt ?? null,
  };
}
