import { AppError } from '../../errors.ts';
import type { ResourceServerRecord } from '../../resources/resource-server-record.ts';
import type { AdminDeps } from '../admin-route.ts';

/** The resource server, or a 404 naming it. */
export async function findResource(deps: AdminDeps, identifier: string): Promise<ResourceServerRecord> {
  const record = await deps.resources.get(identifier);
  if (!record) throw new AppError('not_found', `no resource server "${identifier}"`);
  return record;
}
