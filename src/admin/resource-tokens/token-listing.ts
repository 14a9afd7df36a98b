import { isMaintainer } from '../../resources/resource-maintainers.ts';
import type { ResourceServerRecord } from '../../resources/resource-server-record.ts';
import type { ResourceTokenRecord } from '../../resource-tokens/resource-token-record.ts';
import type { ResourceTokenStore } from '../../resource-tokens/resource-token-store.ts';
import { resourceTokenView, type ResourceTokenView } from './resource-token-view.ts';
import type { Services } from '../../services.ts';

/** Whether an account maintains the resource now, each account read once however often it is asked. */
export function maintainerCheck(resource: ResourceServerRecord, services: Pick<Services, 'accounts' | 'upstreams'>): (accountId: string) => Promise<boolean> {
  const known = new Map<string, Promise<boolean>>();
  return (id) => {
    let answer = known.get(id);
    if (!answer) known.set(id, (answer = services.accounts.get(id).then((account) => isMaintainer(resource, account, services.upstreams.settings))));
    return answer;
  };
}

/** Tokens as listed: with their last use, and whether their creator still maintains the resource. */
export async function showTokens(
  records: readonly ResourceTokenRecord[],
  resource: ResourceServerRecord,
  services: Pick<Services, 'accounts' | 'upstreams'>,
  store: ResourceTokenStore,
): Promise<ResourceTokenView[]> {
  const creatorIsMaintainer = maintainerCheck(resource, services);
  return Promise.all(
    records.map(async (record) => {
      const [use, maintains] = await Promise.all([
        store.lastUsed(record.id),
        record.createdBy.kind === 'account' ? creatorIsMaintainer(record.createdBy.id) : false,
      ]);
      return resourceTokenView(record, use, maintains);
    }),
  );
}
