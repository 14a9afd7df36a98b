import type { AccountRecord } from '../accounts/account-record.ts';
import type { UpstreamSettings } from '../config/upstream-schema.ts';
import type { ResourceServerRecord } from './resource-server-record.ts';

/**
 * Group memberships are those stored at the last sign-in or upstream re-check (SPEC §13). A
 * refresh re-checks them after `reverifyAfter`; an access token outlives that by its own short
 * lifetime at most, so older memberships (a person who has not come back) no longer count.
 */
const membershipGraceMs = 3600_000;

/**
 * Whether the account maintains the resource server now (SPEC §15): named by id, or a member of
 * a maintaining upstream group as its linked identity last showed. Called on every self-service
 * request, with records read afresh, so a leaver loses access at once.
 */
export function isMaintainer(
  resource: ResourceServerRecord,
  account: AccountRecord | undefined,
  upstreams: ReadonlyMap<string, UpstreamSettings>,
  now = Date.now(),
): boolean {
  if (!account || account.disabled || !resource.maintainers) return false;
  const { accounts, groups } = resource.maintainers;
  if (accounts.includes(account.id)) return true;
  return groups.some(({ upstream, group }) => {
    const settings = upstreams.get(upstream);
    if (!settings) return false;
    return (account.identities ?? []).some(
      (identity) =>
        identity.upstream === upstream &&
        identity.groups.includes(group) &&
        Date.parse(identity.checkedAt) + settings.reverifyAfter * 1000 + membershipGraceMs > now,
    );
  });
}

/** The resource servers the account maintains and whose self-service is on. */
export function maintainedResources(
  resources: readonly ResourceServerRecord[],
  account: AccountRecord | undefined,
  upstreams: ReadonlyMap<string, UpstreamSettings>,
): ResourceServerRecord[] {
  return resources.filter((resource) => resource.selfService?.enabled && isMaintainer(resource, account, upstreams));
}
