import type { MaxPriority } from '../principals/max-priority.ts';
import type { Maintainers, SelfServicePolicy } from './self-service-policy.ts';
import { noSelfService } from './self-service-policy.ts';

/** The policy fields as the admin API (snake_case) and the seed (camelCase) give them; null clears. */
export interface SelfServiceChanges {
  enabled?: boolean | undefined;
  scopes?: string[] | null | undefined;
  maxPriority?: MaxPriority | null | undefined;
  maxLifetimeDays?: number | undefined;
  publisherIssuers?: string[] | undefined;
}

/** The policy after the changes; undefined (self-service off, every default) when nothing was ever set. */
export function changedSelfService(current: SelfServicePolicy | undefined, changes: SelfServiceChanges): SelfServicePolicy | undefined {
  const given = Object.values(changes).some((value) => value !== undefined);
  if (!given) return current;
  const next: SelfServicePolicy = { ...(current ?? noSelfService) };
  if (changes.enabled !== undefined) next.enabled = changes.enabled;
  if (changes.scopes === null) delete next.scopes;
  else if (changes.scopes !== undefined) next.scopes = changes.scopes;
  if (changes.maxPriority === null) delete next.maxPriority;
  else if (changes.maxPriority !== undefined) next.maxPriority = changes.maxPriority;
  if (changes.maxLifetimeDays !== undefined) next.maxLifetimeDays = changes.maxLifetimeDays;
  if (changes.publisherIssuers !== undefined) next.publisherIssuers = changes.publisherIssuers;
  return next;
}

/** Maintainers as given, or none; a record without any keeps no empty object. */
export function givenMaintainers(maintainers: Maintainers | null | undefined): Maintainers | undefined {
  if (!maintainers || (maintainers.accounts.length === 0 && maintainers.groups.length === 0)) return undefined;
  return { accounts: maintainers.accounts, groups: maintainers.groups };
}
