import type { AccountRecord } from '../accounts/account-record.ts';
import { hashClientSecret } from '../clients/client-secret.ts';
import { AppError } from '../errors.ts';
import type { MaxPriority } from '../principals/max-priority.ts';
import type { ResourceServerRecord } from '../resources/resource-server-record.ts';
import type { SecurityEvents } from '../security/security-events.ts';
import { newResourceTokenId, newResourceTokenValue } from '../kernel/resource-token-format.ts';
import type { NewResourceToken } from './resource-token-input.ts';
import { checkNewToken } from './resource-token-policy.ts';
import { tokenInForce, type ResourceTokenRecord, type TokenActor } from './resource-token-record.ts';
import type { ResourceTokenStore } from './resource-token-store.ts';

/** Where a token is looked for: it must belong to this resource server. */
type ResourceOf = Pick<ResourceServerRecord, 'identifier'>;

export interface ResourceTokensDeps {
  store: ResourceTokenStore;
  securityEvents: SecurityEvents;
  secretPepper: string | undefined;
  /** Told after every change to a token, so that nothing remembered of it outlives the change. */
  changed?: (id: string) => void;
}

/** Where a change came from, for the security log. */
export interface ChangeContext {
  actor: TokenActor;
  reqId?: string | undefined;
  ip?: string | undefined;
}

/** A token with its value, returned once at creation and rotation, never again. */
export interface IssuedToken {
  record: ResourceTokenRecord;
  value: string;
}

/**
 * What maintainers (and admins) do with resource tokens (SPEC §15). The caller has established
 * who may act on `resource`; each change is a security event naming who, which resource and
 * which token id, never the value.
 */
export function createResourceTokens({ store: stored, securityEvents, secretPepper, changed }: ResourceTokensDeps) {
  const store = {
    ...stored,
    async save(record: ResourceTokenRecord) {
      await stored.save(record);
      changed?.(record.id);
    },
  };
  const emit = (event: Parameters<SecurityEvents['emit']>[0], record: ResourceTokenRecord, context: ChangeContext, extra: Record<string, unknown> = {}) =>
    securityEvents.emit(event, { reqId: context.reqId, ip: context.ip, actor: `${context.actor.kind}:${context.actor.id}`, resource: record.resource, tokenId: record.id, ...extra });

  async function find(resource: ResourceOf, id: string): Promise<ResourceTokenRecord> {
    const record = await store.get(id);
    if (!record || record.resource !== resource.identifier) throw new AppError('not_found', `no resource token "${id}" for ${resource.identifier}`);
    return record;
  }

  return {
    find,
    list: (resource: ResourceOf) => store.list(resource.identifier),

    async create(resource: ResourceServerRecord, creator: AccountRecord, creatorMap: MaxPriority | undefined, input: NewResourceToken, context: ChangeContext): Promise<IssuedToken> {
      const checked = checkNewToken(resource, creatorMap, input);
      const id = newResourceTokenId();
      const value = newResourceTokenValue(id);
      const record: ResourceTokenRecord = {
        id,
        resource: resource.identifier,
        description: input.description,
        scopes: checked.scopes,
        ...(checked.maxPriority ? { maxPriority: checked.maxPriority } : {}),
        secrets: [{ hash: hashClientSecret(value, secretPepper) }],
        createdBy: { kind: 'account', id: creator.id, name: creator.name ?? creator.username },
        createdAt: new Date().toISOString(),
        expiresAt: checked.expiresAt,
      };
      await store.save(record);
      emit('resource_token.created', record, context, { expiresAt: record.expiresAt, scopes: record.scopes });
      return { record, value };
    },

    async revoke(resource: ResourceOf, id: string, context: ChangeContext): Promise<ResourceTokenRecord> {
      const record = await find(resource, id);
      if (record.revokedAt) return record;
      const revoked: ResourceTokenRecord = { ...record, revokedAt: new Date().toISOString(), revokedBy: context.actor };
      await store.save(revoked);
      emit('resource_token.revoked', revoked, context);
      return revoked;
    },

    /** A new value; the old one keeps working `overlapSeconds` longer (never past the expiry). */
    async rotate(resource: ResourceOf, id: string, overlapSeconds: number, context: ChangeContext): Promise<IssuedToken> {
      const record = await find(resource, id);
      if (!tokenInForce(record)) throw new AppError('conflict', `resource token ${id} is revoked; make a new one`);
      const value = newResourceTokenValue(record.id);
      const now = Date.now();
      const previous = record.secrets[0];
      const rotated: ResourceTokenRecord = {
        ...record,
        secrets: [
          { hash: hashClientSecret(value, secretPepper) },
          ...(previous && overlapSeconds > 0 ? [{ hash: previous.hash, expiresAt: new Date(now + overlapSeconds * 1000).toISOString() }] : []),
        ],
        rotatedAt: new Date(now).toISOString(),
      };
      await store.save(rotated);
      emit('resource_token.rotated', rotated, context, { overlapSeconds });
      return { record: rotated, value };
    },
  };
}

export type ResourceTokens = ReturnType<typeof createResourceTokens>;
