import type { AccountRecord, LinkedIdentity } from '../accounts/account-record.ts';
import type { UpstreamSettings } from '../config/upstream-schema.ts';
import type { MaxPriority } from '../principals/max-priority.ts';
import { stringList } from './upstream.ts';

/**
 * The account's effective max_priority (SPEC §13): per queue, the highest of its own stored map
 * and every priority rule its linked identities match, read from the groups and claims stored
 * at their last sign-in or re-check. Undefined when there is nothing at all.
 */
export function effectiveMaxPriority(account: AccountRecord, upstreams: ReadonlyMap<string, UpstreamSettings>): MaxPriority | undefined {
  const maps: MaxPriority[] = account.maxPriority ? [account.maxPriority] : [];
  for (const identity of account.identities ?? []) {
    const settings = upstreams.get(identity.upstream);
    if (settings) maps.push(...matchingRules(settings, identity));
  }
  if (maps.length === 0) return undefined;
  if (maps.length === 1) return maps[0];
  // A Map, not an object: a queue named `toString` or `constructor` must not meet Object.prototype.
  const merged = new Map<string, number>();
  for (const map of maps) for (const [queue, priority] of Object.entries(map)) merged.set(queue, Math.max(merged.get(queue) ?? 0, priority));
  return Object.fromEntries(merged);
}

function matchingRules(settings: UpstreamSettings, identity: LinkedIdentity): MaxPriority[] {
  return settings.priorityRules.flatMap((rule) => {
    const matches =
      rule.group !== undefined
        ? identity.groups.includes(rule.group)
        : rule.claim !== undefined && stringList(identity.claims?.[rule.claim]).includes(rule.value as string);
    return matches ? [rule.maxPriority as MaxPriority] : [];
  });
}
