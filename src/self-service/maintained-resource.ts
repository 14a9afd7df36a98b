import type { AccountRecord } from '../accounts/account-record.ts';
import type { AdminCaller } from '../admin/admin-route.ts';
import { AppError } from '../errors.ts';
import { isMaintainer } from '../resources/resource-maintainers.ts';
import type { ResourceServerRecord } from '../resources/resource-server-record.ts';
import type { Services } from '../services.ts';

export interface Maintained {
  resource: ResourceServerRecord;
  account: AccountRecord;
}

/**
 * The resource server `identifier` if the account maintains it now and its self-service is on,
 * both read afresh (SPEC §15: a leaver loses access at once). Anything else is the same 403,
 * so a non-maintainer learns nothing about which resources exist.
 */
export async function maintainedResource(
  services: Pick<Services, 'resources' | 'accounts' | 'upstreams'>,
  accountId: string,
  identifier: string,
): Promise<Maintained> {
  const [resource, account] = await Promise.all([services.resources.get(identifier), services.accounts.get(accountId)]);
  if (!resource?.selfService?.enabled || !account || !isMaintainer(resource, account, services.upstreams.settings)) {
    throw new AppError('forbidden', `you do not maintain ${identifier} (or its self-service is off)`);
  }
  return { resource, account };
}

/** Who acts, for the security log: the maintainer's account, with their name as it is now. */
export function maintainerContext(caller: AdminCaller, account: AccountRecord) {
  return { actor: { kind: 'account' as const, id: caller.sub, name: account.name ?? account.username }, reqId: caller.reqId, ip: caller.ip };
}
