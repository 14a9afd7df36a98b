import type { Collection, Storage } from '../storage/storage.ts';
import type { AccountRecord } from './account-record.ts';
import { burnPasswordCheck, verifyPassword } from './password-hash.ts';

export interface AccountStore {
  get(id: string): Promise<AccountRecord | undefined>;
  findByUsername(username: string): Promise<AccountRecord | undefined>;
  list(): Promise<AccountRecord[]>;
  /** False when the id or the username is taken. */
  create(record: AccountRecord): Promise<boolean>;
  save(record: AccountRecord, previousUsername?: string): Promise<boolean>;
  delete(id: string): Promise<boolean>;
  /** The enabled account whose password this is, or undefined, in the same time either way. */
  authenticate(username: string, password: string): Promise<AccountRecord | undefined>;
}

export const normalizeUsername = (username: string) => username.normalize('NFKC').toLowerCase();

/** Accounts plus a username index; reads are not cached so a disable takes effect at once. */
export function createAccountStore(storage: Storage): AccountStore {
  const accounts: Collection<AccountRecord> = storage.collection('accounts');
  const usernames: Collection<string> = storage.collection('account-usernames');

  const store: AccountStore = {
    get: (id) => accounts.get(id),
    async findByUsername(username) {
      const id = await usernames.get(normalizeUsername(username));
      return id ? accounts.get(id) : undefined;
    },
    list: () => accounts.list(),
    async create(record) {
      if (!(await usernames.insert(normalizeUsername(record.username), record.id))) return false;
      if (!(await accounts.insert(record.id, record))) {
        await usernames.delete(normalizeUsername(record.username));
        return false;
      }
      return true;
    },
    async save(record, previousUsername) {
      const renamed = previousUsername !== undefined && normalizeUsername(previousUsername) !== normalizeUsername(record.username);
      if (renamed) {
        if (!(await usernames.insert(normalizeUsername(record.username), record.id))) return false;
        await usernames.delete(normalizeUsername(previousUsername));
      }
      await accounts.put(record.id, record);
      return true;
    },
    async delete(id) {
      const record = await accounts.get(id);
      if (!record) return false;
      await accounts.delete(id);
      await usernames.delete(normalizeUsername(record.username));
      return true;
    },
    async authenticate(username, password) {
      const record = await store.findByUsername(username);
      if (!record) return burnPasswordCheck(password).then(() => undefined);
      const matches = await verifyPassword(password, record.passwordHash);
      return matches && !record.disabled ? record : undefined;
    },
  };
  return store;
}
