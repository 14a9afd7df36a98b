import { collectionNames } from '../storage/storage-names.ts';
import type { Collection, Storage } from '../storage/storage.ts';
import type { AccountRecord, LinkedIdentity } from './account-record.ts';
import { burnPasswordCheck, verifyPassword } from './password-hash.ts';

export interface AccountStore {
  get(id: string): Promise<AccountRecord | undefined>;
  findByUsername(username: string): Promise<AccountRecord | undefined>;
  list(): Promise<AccountRecord[]>;
  /** False when the id, the username or one of its identities is taken. */
  create(record: AccountRecord): Promise<boolean>;
  save(record: AccountRecord, previousUsername?: string): Promise<boolean>;
  delete(id: string): Promise<boolean>;
  /** The account an upstream identity (upstream id, upstream subject) is linked to. */
  findByIdentity(upstream: string, subject: string): Promise<AccountRecord | undefined>;
  /**
   * Adds or replaces the identity on the account and saves it; false when that identity is
   * linked to another account.
   */
  link(record: AccountRecord, identity: LinkedIdentity): Promise<boolean>;
  /** Removes the identity from the account; false when the account did not have it. */
  unlink(record: AccountRecord, upstream: string, subject: string): Promise<boolean>;
  /** The enabled account whose password this is, or undefined, in the same time either way. */
  authenticate(username: string, password: string): Promise<AccountRecord | undefined>;
}

export const normalizeUsername = (username: string) => username.normalize('NFKC').toLowerCase();
const identityKey = (upstream: string, subject: string) => `${upstream}:${subject}`;

/** Accounts plus a username index; reads are not cached so a disable takes effect at once. */
export function createAccountStore(storage: Storage): AccountStore {
  const accounts: Collection<AccountRecord> = storage.collection(collectionNames.accounts);
  const usernames: Collection<string> = storage.collection(collectionNames.accountUsernames);
  // (upstream, subject) -> account id: an upstream identity belongs to one account only.
  const identities: Collection<string> = storage.collection(collectionNames.accountIdentities);

  const store: AccountStore = {
    get: (id) => accounts.get(id),
    async findByUsername(username) {
      const id = await usernames.get(normalizeUsername(username));
      return id ? accounts.get(id) : undefined;
    },
    list: () => accounts.list(),
    async create(record) {
      // Identities first: of two first sign-ins of one person at once, exactly one creates an account.
      const claimed: string[] = [];
      const release = async () => {
        for (const key of claimed) await identities.delete(key);
      };
      for (const identity of record.identities ?? []) {
        const key = identityKey(identity.upstream, identity.subject);
        if (!(await identities.insert(key, record.id))) return release().then(() => false);
        claimed.push(key);
      }
      if (!(await usernames.insert(normalizeUsername(record.username), record.id))) return release().then(() => false);
      if (!(await accounts.insert(record.id, record))) {
        await usernames.delete(normalizeUsername(record.username));
        return release().then(() => false);
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
      for (const identity of record.identities ?? []) await identities.delete(identityKey(identity.upstream, identity.subject));
      return true;
    },
    async findByIdentity(upstream, subject) {
      const id = await identities.get(identityKey(upstream, subject));
      const record = id ? await accounts.get(id) : undefined;
      // The index is written before the record: an entry without its identity on the record is not a link.
      return record?.identities?.some((identity) => identity.upstream === upstream && identity.subject === subject) ? record : undefined;
    },
    async link(record, identity) {
      const key = identityKey(identity.upstream, identity.subject);
      if (!(await identities.insert(key, record.id)) && (await identities.get(key)) !== record.id) {
        // A stale entry (its account no longer has the identity) may be taken over.
        if (await store.findByIdentity(identity.upstream, identity.subject)) return false;
        await identities.put(key, record.id);
      }
      const others = (record.identities ?? []).filter((linked) => linked.upstream !== identity.upstream || linked.subject !== identity.subject);
      record.identities = [...others, identity];
      await accounts.put(record.id, record);
      return true;
    },
    async unlink(record, upstream, subject) {
      const others = (record.identities ?? []).filter((linked) => linked.upstream !== upstream || linked.subject !== subject);
      if (others.length === (record.identities ?? []).length) return false;
      record.identities = others;
      await accounts.put(record.id, record);
      await identities.delete(identityKey(upstream, subject));
      return true;
    },
    async authenticate(username, password) {
      const record = await store.findByUsername(username);
      // An account without a password (upstream sign-in only) costs the same as an unknown one.
      if (!record?.passwordHash) return burnPasswordCheck(password).then(() => undefined);
      const matches = await verifyPassword(password, record.passwordHash);
      return matches && !record.disabled ? record : undefined;
    },
  };
  return store;
}
