import type { AccountRecord } from '../../accounts/account-record.ts';
import { AppError } from '../../errors.ts';
import type { AdminDeps } from '../admin-route.ts';

/** The account with this id (or, failing that, this username), or a 404 naming it. */
export async function findAccount(deps: AdminDeps, id: string): Promise<AccountRecord> {
  const record = (await deps.accounts.get(id)) ?? (await deps.accounts.findByUsername(id));
  if (!record) throw new AppError('not_found', `no account "${id}"`);
  return record;
}
