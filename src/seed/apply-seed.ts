import { readFileSync } from 'node:fs';

import { normalizeUsername, type AccountStore } from '../accounts/account-store.ts';
import type { ClientRegistry } from '../clients/client-registry.ts';
import { checkClient } from '../clients/client-rules.ts';
import { checkFederatedIdentitiesUnique, checkFederatedIssuers } from '../clients/federated-identity-rules.ts';
import type { TrustedIssuers } from '../federation/trusted-issuers.ts';
import { AppError } from '../errors.ts';
import type { SigningKeys } from '../keys/signing-keys.ts';
import { builtInResourceIdentifiers } from '../resources/resource-server-record.ts';
import type { ResourceRegistry } from '../resources/resource-registry.ts';
import type { ResourceServerRecord } from '../resources/resource-server-record.ts';
import { checkResource, checkSelfService } from '../resources/resource-rules.ts';
import { parseInput } from '../parse-input.ts';
import { seedName } from './seed-names.ts';
import { seedSchema, type Seed } from './seed-schema.ts';
import { seedAccountRecord, seedClientRecord, seedResourceRecord, type SecretSource } from './seed-records.ts';

export interface SeedDeps {
  clients: ClientRegistry;
  accounts: AccountStore;
  resources: ResourceRegistry;
  signingKeys: SigningKeys;
  trustedIssuers: TrustedIssuers;
  secretPepper: string | undefined;
  allowPlaintext: boolean;
  /** Ids of the configured upstreams: a seeded identity must name one. */
  upstreamIds: ReadonlySet<string>;
  /** The audience a federated identity expects when it names none: tollgate's issuer. */
  defaultAudience: string;
}

export interface SeedOutcome {
  created: number;
  updated: number;
  unchanged: number;
}

// `secret` is how the client rules name a missing secret; the seed gives one as secretEnv.
const seedField = (at: string) => (apiName: string) => `${at}.${apiName === 'secret' ? 'secretEnv' : seedName(apiName)}`;

/** Reads, validates and applies the seed file; any problem stops start-up naming file and field. */
export async function applySeedFile(file: string, deps: SeedDeps, env: NodeJS.ProcessEnv): Promise<SeedOutcome> {
  return inSeedFile(file, async () => applySeed(parseSeedFile(file), deps, { env, secretPepper: deps.secretPepper, allowPlaintext: deps.allowPlaintext }));
}

/** The seed file, parsed and validated against the seed schema; call inside inSeedFile. */
export function parseSeedFile(file: string): Seed {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new AppError('invalid_seed', `cannot read it: ${(cause as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AppError('invalid_seed', 'not valid JSON');
  }
  return parseInput(seedSchema, json);
}

/** Runs `work`, naming the seed file in any error it raises. */
export function inSeedFile<T>(file: string, work: () => T): T {
  const named = (error: unknown) => {
    if (error instanceof AppError) return new AppError('invalid_seed', `seed file ${file} (TOLLGATE_SEED_FILE): ${error.message}`, { cause: error });
    return error;
  };
  try {
    const result = work();
    return (result instanceof Promise ? result.catch((error: unknown) => Promise.reject(named(error))) : result) as T;
  } catch (error) {
    throw named(error);
  }
}

/**
 * Makes storage hold what the seed declares, idempotently: a record already equal to its seed
 * entry is not written (its updatedAt stays), others are created or replaced. Principals not
 * in the seed are left alone; the seed never deletes. Every entry is built and checked before
 * anything is written, so a seed refused for one entry changes nothing (a start-up that then
 * refuses to run must not have replaced a client's secret on the way).
 */
async function applySeed(seed: Seed, deps: SeedDeps, source: SecretSource): Promise<SeedOutcome> {
  const outcome: SeedOutcome = { created: 0, updated: 0, unchanged: 0 };
  const now = new Date().toISOString();
  const tally = <T extends { createdAt: string; updatedAt: string }>(existing: T | undefined, desired: Omit<T, 'createdAt' | 'updatedAt'>): T | undefined => {
    if (existing && sameRecord(existing, desired)) {
      outcome.unchanged += 1;
      return undefined;
    }
    outcome[existing ? 'updated' : 'created'] += 1;
    return { ...desired, createdAt: existing?.createdAt ?? now, updatedAt: now } as T;
  };
  const writes: Array<() => Promise<void>> = [];

  // Before the clients, whose federated identities must name trusted issuers.
  deps.trustedIssuers.declare(seed.trustedIssuers, 'seed', 'trustedIssuers');

  // Clients are checked against the seed's resource servers as if they were already stored.
  const seeded = new Map<string, ResourceServerRecord>();
  const resources: ResourceRegistry = {
    ...deps.resources,
    peek: (identifier) => (seeded.has(identifier) ? { value: seeded.get(identifier) } : deps.resources.peek(identifier)),
    get: async (identifier) => seeded.get(identifier) ?? deps.resources.get(identifier),
  };
  for (const [index, entry] of seed.resourceServers.entries()) {
    const at = `resourceServers.${index}`;
    if (builtInResourceIdentifiers.includes(entry.identifier)) throw new AppError('invalid_field', `${at}.identifier: ${entry.identifier} is built in`);
    if (seeded.has(entry.identifier)) throw new AppError('invalid_field', `${at}.identifier: ${entry.identifier} is listed twice`);
    const desired = { ...seedResourceRecord(entry), createdAt: now, updatedAt: now };
    checkResource(desired, deps.signingKeys, seedField(at));
    checkSelfService(desired, deps, seedField(at));
    seeded.set(entry.identifier, desired);
    const record = tally(await deps.resources.get(entry.identifier), seedResourceRecord(entry));
    if (record) writes.push(() => deps.resources.save(record));
  }

  const clientIds = new Set<string>();
  // Federated identities are unique across the clients as they will be: stored ones the seed
  // leaves alone, and the seed's own.
  const seedIds = new Set(seed.clients.map((entry) => entry.clientId));
  const holders = seed.clients.some((entry) => entry.federatedIdentities?.length)
    ? (await deps.clients.list()).filter((record) => !seedIds.has(record.clientId))
    : [];
  for (const [index, entry] of seed.clients.entries()) {
    const at = `clients.${index}`;
    if (clientIds.has(entry.clientId)) throw new AppError('invalid_field', `${at}.clientId: ${entry.clientId} is listed twice`);
    clientIds.add(entry.clientId);
    const existing = await deps.clients.get(entry.clientId);
    const desired = seedClientRecord(entry, at, existing, source);
    await checkClient(desired, resources, seedField(at));
    checkFederatedIssuers(desired, deps.trustedIssuers, seedField(at));
    checkFederatedIdentitiesUnique(desired, holders, deps.defaultAudience, seedField(at));
    holders.push(desired);
    const record = tally(existing, desired);
    if (record) writes.push(() => deps.clients.save(record));
  }

  const accountIds = new Set<string>();
  const usernames = new Set<string>();
  const identities = new Set<string>();
  for (const [index, entry] of seed.accounts.entries()) {
    const at = `accounts.${index}`;
    entry.identities.forEach(({ upstream }, position) => {
      if (!deps.upstreamIds.has(upstream))
        throw new AppError('invalid_field', `${at}.identities.${position}.upstream: no upstream "${upstream}" is configured`);
    });
    const existing = await deps.accounts.get(entry.id ?? entry.username);
    const desired = await seedAccountRecord(entry, at, existing, source);
    const username = normalizeUsername(entry.username);
    if (accountIds.has(desired.id) || usernames.has(username)) throw new AppError('invalid_field', `${at}: another entry has the same id or username`);
    accountIds.add(desired.id);
    usernames.add(username);
    const holder = await deps.accounts.findByUsername(entry.username);
    if (holder && holder.id !== desired.id) throw new AppError('invalid_field', `${at}.username: "${entry.username}" belongs to another account`);
    for (const [position, { upstream, subject }] of entry.identities.entries()) {
      const where = `${at}.identities.${position}`;
      if (identities.has(`${upstream} ${subject}`)) throw new AppError('invalid_field', `${where}: ${subject} at ${upstream} is listed twice`);
      identities.add(`${upstream} ${subject}`);
      const owner = await deps.accounts.findByIdentity(upstream, subject);
      if (owner && owner.id !== desired.id) throw new AppError('invalid_field', `${where}: ${subject} at ${upstream} is linked to another account`);
    }
    const record = tally(existing, desired);
    if (!record) continue;
    writes.push(async () => {
      const saved = existing ? await deps.accounts.save(record, existing.username) : await deps.accounts.create(record);
      if (!saved) throw new AppError('invalid_field', `${at}.username: "${entry.username}" (or one of its identities) belongs to another account`);
      for (const identity of existing ? (record.identities ?? []) : []) {
        if (!(await deps.accounts.link(record, identity)))
          throw new AppError('invalid_field', `${at}.identities: ${identity.subject} at ${identity.upstream} is linked to another account`);
      }
    });
  }

  for (const write of writes) await write();
  return outcome;
}

/** Equal apart from timestamps, whatever the key order (stored JSON vs. built objects). */
function sameRecord(existing: object, desired: object): boolean {
  return canonical(withoutTimestamps(existing)) === canonical(withoutTimestamps(desired));
}

function withoutTimestamps(record: object): object {
  const { createdAt: _createdAt, updatedAt: _updatedAt, ...rest } = record as Record<string, unknown>;
  return rest;
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}
