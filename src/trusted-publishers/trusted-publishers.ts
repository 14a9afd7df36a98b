import type { AccountRecord } from '../accounts/account-record.ts';
import { exactIdentityKey } from '../clients/federated-identity-rules.ts';
import { AppError } from '../errors.ts';
import type { MaxPriority } from '../principals/max-priority.ts';
import type { ResourceServerRecord } from '../resources/resource-server-record.ts';
import { checkRights } from '../resource-tokens/resource-token-policy.ts';
import type { ChangeContext } from '../resource-tokens/resource-tokens.ts';
import type { SecurityEvents } from '../security/security-events.ts';
import { newPublisherId } from '../kernel/publisher-id.ts';
import { publisherIdentity } from './publisher-identity.ts';
import { workloadOf, type NewTrustedPublisher } from './publisher-input.ts';
import { checkPublisherIssuer } from './publisher-policy.ts';
import { publisherOfResource, type TrustedPublisherRecord } from './publisher-record.ts';
import type { TrustedPublisherStore } from './publisher-store.ts';

export interface TrustedPublishersDeps {
  store: TrustedPublisherStore;
  securityEvents: SecurityEvents;
  trustedIssuers: { has(issuer: string): boolean };
  /** Told after a removal, so that nothing remembered of the publisher outlives it. */
  changed?: (id: string) => void;
}

/**
 * What maintainers (and admins) do with trusted publishers (SPEC §15). The caller has
 * established who may act on the resource; each change is a security event naming who, which
 * resource and which publisher id.
 */
export function createTrustedPublishers({ store, securityEvents, trustedIssuers, changed }: TrustedPublishersDeps) {
  const emit = (event: 'trusted_publisher.added' | 'trusted_publisher.removed', record: TrustedPublisherRecord, context: ChangeContext) =>
    securityEvents.emit(event, {
      reqId: context.reqId,
      ip: context.ip,
      actor: `${context.actor.kind}:${context.actor.id}`,
      resource: record.resource,
      publisherId: record.id,
      issuer: record.issuer,
      workload: record.workload.kind,
    });

  async function find(resource: Pick<ResourceServerRecord, 'identifier' | 'createdAt'>, id: string): Promise<TrustedPublisherRecord> {
    const record = await store.get(id);
    if (!record || !publisherOfResource(record, resource)) throw new AppError('not_found', `no trusted publisher "${id}" for ${resource.identifier}`);
    return record;
  }

  return {
    find,
    list: async (resource: Pick<ResourceServerRecord, 'identifier' | 'createdAt'>) =>
      (await store.list(resource.identifier)).filter((record) => publisherOfResource(record, resource)),

    async add(
      resource: ResourceServerRecord,
      creator: AccountRecord,
      creatorMap: MaxPriority | undefined,
      input: NewTrustedPublisher,
      context: ChangeContext,
    ): Promise<TrustedPublisherRecord> {
      checkPublisherIssuer(resource, input.issuer, trustedIssuers);
      const rights = checkRights(resource, creatorMap, input);
      const record: TrustedPublisherRecord = {
        id: newPublisherId(),
        resource: resource.identifier,
        description: input.description,
        issuer: input.issuer,
        ...(input.audience !== undefined ? { audience: input.audience } : {}),
        workload: workloadOf(input),
        scopes: rights.scopes,
        ...(rights.maxPriority ? { maxPriority: rights.maxPriority } : {}),
        createdBy: { kind: 'account', id: creator.id, name: creator.name ?? creator.username },
        createdAt: new Date().toISOString(),
      };
      const identity = exactIdentityKey(publisherIdentity(record));
      const same = (await store.list(resource.identifier)).find((other) => exactIdentityKey(publisherIdentity(other)) === identity);
      if (same)
        throw new AppError(
          'conflict',
          `trusted publisher ${same.id} already binds this CI identity to ${resource.identifier}; remove it first to change its scopes or priority`,
        );
      await store.add(record);
      emit('trusted_publisher.added', record, context);
      return record;
    },

    /** Removes the publisher; its CI job's next token request is refused (`invalid_client`). */
    async remove(resource: Pick<ResourceServerRecord, 'identifier' | 'createdAt'>, id: string, context: ChangeContext): Promise<TrustedPublisherRecord> {
      const record = await find(resource, id);
      await store.remove(record);
      changed?.(record.id);
      emit('trusted_publisher.removed', record, context);
      return record;
    },

    /** Deletes every publisher of a resource server that is being deleted: none may outlive it. */
    async removeAll(resource: string, context: ChangeContext): Promise<number> {
      const ids = await store.removeAll(resource);
      for (const id of ids) {
        changed?.(id);
        securityEvents.emit('trusted_publisher.removed', {
          reqId: context.reqId,
          ip: context.ip,
          actor: `${context.actor.kind}:${context.actor.id}`,
          resource,
          publisherId: id,
          reason: 'resource_deleted',
        });
      }
      return ids.length;
    },
  };
}
