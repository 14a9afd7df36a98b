import type { AccountRecord } from '../accounts/account-record.ts';
import { hashClientSecret } from '../clients/client-secret.ts';
import { AppError } from '../errors.ts';
import type { MaxPriority } from '../principals/max-priority.ts';
import type { ResourceServerRecord } from '../resources/resource-server-record.ts';
import type { SecurityEvents } from '../security/security-events.ts';
import { newResourceTokenId, newResourceTokenValue } from '../kernel/resource-token-format.ts';
import type { NewResourceToken } from './resource-token-input.ts';
import { checkNewToken } from './resource-token-policy.ts';
import { tokenInForce, tokenOfResource, type ResourceTokenRecord, type TokenActor } from './resource-token-record.ts';
import type { ResourceTokenStore } from './resource-token-store.ts';

/** Where a token is looked for: it must be one of this resource server's. */
type ResourceOf = Pick<ResourceServerRecord, 'identifier' | 'createdAt'>;

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
export function createResourceTokens({ store, securityEvents, secretPepper, changed }: ResourceTokensDeps) {
  const emit = (
    event: Parameters<SecurityEvents['emit']>[0],
    record: Pick<ResourceTokenRecord, 'resource' | 'id'>,
    context: ChangeContext,
    extra: Record<string, unknown> = {},
  ) =>
    securityEvents.emit(event, {
      reqId: context.reqId,
      ip: context.ip,
      actor: `${context.actor.kind}:${context.actor.id}`,
      resource: record.resource,
      tokenId: record.id,
      ...extra,
    });

  function owned(resource: ResourceOf, id: string, record: ResourceTokenRecord | undefined): ResourceTokenRecord {
    if (!record || !tokenOfResource(record, resource)) throw new AppError('not_found', `no resource token "${id}" for ${resource.identifier}`);
    return record;
  }

  /** One atomic change of a token (ResourceTokenStore.update); what this process remembers of it goes after. */
  async function update(resource: ResourceOf, id: string, change: (current: ResourceTokenRecord) => ResourceTokenRecord | undefined) {
    try {
      return owned(resource, id, await store.update(id, (current) => change(owned(resource, id, current))));
    } finally {
      changed?.(id);
    }
  }

  return {
    find: async (resource: ResourceOf, id: string) => owned(resource, id, await store.get(id)),
    list: async (resource: ResourceOf) => (await store.list(resource.identifier)).filter((record) => tokenOfResource(record, resource)),

    async create(
      resource: ResourceServerRecord,
      creator: AccountRecord,
      creatorMap: MaxPriority | undefined,
      input: NewResourceToken,
      context: ChangeContext,
    ): Promise<IssuedToken> {
      const checked = checkNewToken(resource, creatorMap, input);
      const id = newResourceTokenId();
      const value = newResourceTokenValue(id);
      const record: ResourceTokenRecord = {
        id,
        resource: resource.identifier,
        resourceCreatedAt: resource.createdAt,
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

    /** Revokes the token, once: revoking a revoked token changes nothing and tells no one. */
    async revoke(resource: ResourceOf, id: string, context: ChangeContext): Promise<ResourceTokenRecord> {
      let revokedNow = false;
      const record = await update(resource, id, (current) => {
        revokedNow = !current.revokedAt;
        return revokedNow ? { ...current, revokedAt: new Date().toISOString(), revokedBy: context.actor } : undefined;
      });
      if (revokedNow) emit('resource_token.revoked', record, context);
      return record;
    },

    /** A new value; the old one keeps working `overlapSeconds` longer (never past the expiry). */
    async rotate(resource: ResourceOf, id: string, overlapSeconds: number, context: ChangeContext): Promise<IssuedToken> {
      const value = newResourceTokenValue(id);
      const hash = hashClientSecret(value, secretPepper);
      const record = await update(resource, id, (current) => {
        if (!tokenInForce(current)) throw new AppError('conflict', `resource token ${id} is revoked; make a new one`);
        const now = Date.now();
        // The current secret only: one rotated earlier and still in its overlap stops now, so a
        // token never has more than a current secret and the one it replaced.
        const previous = current.secrets[0];
        return {
          ...current,
          secrets: [
            { hash },
            ...(previous && overlapSeconds > 0 ? [{ hash: previous.hash, expiresAt: new Date(now + overlapSeconds * 1000).toISOString() }] : []),
          ],
          rotatedAt: new Date(now).toISOString(),
        };
      });
      emit('resource_token.rotated', record, context, { overlapSeconds });
      return { record, value };
    },

    /**
     * Deletes every token of a resource server that is being deleted, with its last use: one
     * made for it must not outlive it, nor come back with a resource created under its name.
     */
    async removeAll(resource: string, context: ChangeContext): Promise<number> {
      const ids = await store.removeAll(resource);
      for (const id of ids) {
        changed?.(id);
        emit('resource_token.deleted', { resource, id }, context, { reason: 'resource_deleted' });
      }
      return ids.length;
    },
  };
}

export type ResourceTokens = ReturnType<typeof createResourceTokens>;
