import { randomBytes } from 'node:crypto';

import type { ResourceServerRecord } from '../resources/resource-server-record.ts';
import type { SecurityEventDetails, SecurityEventName, SecurityEvents } from '../security/security-events.ts';
import { collectionNames } from '../storage/storage-names.ts';
import type { Storage } from '../storage/storage.ts';

/** One security event of a resource server, as its maintainers' page lists it. */
export interface ActivityEntry {
  /** When, then a random part: entries sort by it. */
  id: string;
  at: string;
  event: SecurityEventName;
  /** `account:<id>`, `admin:<client id>` or `report:<ip>`, when the event names who acted. */
  actor?: string;
  tokenId?: string;
  publisherId?: string;
  ip?: string;
  overlapSeconds?: number;
}

/** How many events each resource keeps: the page shows "recent", the log keeps everything. */
export const activityKept = 50;

const newestFirst = (entries: ActivityEntry[]) => entries.sort((a, b) => b.id.localeCompare(a.id));

/**
 * The latest security events of each resource server (SPEC §15's audit events, for the people
 * who maintain it), in storage so every process's events show. A write past `activityKept`
 * drops the oldest, so a resource never holds more than a few dozen.
 */
export function createResourceActivity(storage: Storage) {
  const entriesOf = (resource: string) => storage.collection<ActivityEntry>(collectionNames.resourceActivity(resource));

  return {
    async record(resource: string, entry: Omit<ActivityEntry, 'id'>): Promise<void> {
      const entries = entriesOf(resource);
      const id = `${entry.at}-${randomBytes(6).toString('base64url')}`;
      await entries.put(id, { id, ...entry });
      const all = newestFirst(await entries.list());
      await Promise.all(all.slice(activityKept).map((old) => entries.delete(old.id)));
    },
    /**
     * The newest first, none from before the resource server was created: an event still in
     * flight when a resource of the same identifier was deleted is never shown on the new one.
     */
    async recent(resource: Pick<ResourceServerRecord, 'identifier' | 'createdAt'>, limit = activityKept): Promise<ActivityEntry[]> {
      const since = Date.parse(resource.createdAt);
      return newestFirst(await entriesOf(resource.identifier).list())
        .filter((entry) => Date.parse(entry.at) >= since)
        .slice(0, limit);
    },
    /** Forgets a deleted resource server's activity: one created again under its identifier starts with none. */
    async removeAll(resource: string): Promise<void> {
      const entries = entriesOf(resource);
      await Promise.all((await entries.list()).map((entry) => entries.delete(entry.id)));
    },
  };
}

export type ResourceActivity = ReturnType<typeof createResourceActivity>;

/**
 * The security events as everyone emits them, each one that names a resource server (its
 * `resource` detail) also written to that resource's recent activity. `admin.change` is left
 * out: an admin's revocation of a token is also the `resource_token.revoked` it causes; so are
 * the deletions a resource server's own deletion causes: its activity goes with it.
 */
export function withResourceActivity(events: SecurityEvents, activity: ResourceActivity, onError: (error: unknown) => void): SecurityEvents {
  return {
    emit(event, details) {
      events.emit(event, details);
      if (event === 'admin.change' || typeof details.resource !== 'string' || details.reason === 'resource_deleted') return;
      activity.record(details.resource, entryOf(event, details)).catch(onError);
    },
  };
}

function entryOf(event: SecurityEventName, details: SecurityEventDetails): Omit<ActivityEntry, 'id'> {
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const entry: Omit<ActivityEntry, 'id'> = { at: new Date().toISOString(), event };
  const actor = text(details.actor);
  const tokenId = text(details.tokenId);
  const publisherId = text(details.publisherId);
  const ip = text(details.ip);
  if (actor) entry.actor = actor;
  if (tokenId) entry.tokenId = tokenId;
  if (publisherId) entry.publisherId = publisherId;
  if (ip) entry.ip = ip;
  if (typeof details.overlapSeconds === 'number') entry.overlapSeconds = details.overlapSeconds;
  return entry;
}
