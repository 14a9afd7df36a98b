import { readFileSync } from 'node:fs';

import type { AccountStore } from '../accounts/account-store.ts';
import type { ClientRegistry } from '../clients/client-registry.ts';
import { checkClient } from '../clients/client-rules.ts';
import { checkFederatedIssuers } from '../clients/federated-identity-rules.ts';
import type { TrustedIssuers } from '../federation/trusted-issuers.ts';
import { AppError } from '../errors.ts';
import type { SigningKeys } from '../keys/signing-keys.ts';
import { adminResource } from '../resources/resource-server-record.ts';
import type { ResourceRegistry } from '../resources/resource-registry.ts';
import { checkResource } from '../resources/resource-rules.ts';
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
  try {
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
    return await applySeed(parseInput(seedSchema, json), deps, { env, secretPepper: deps.secretPepper, allowPlaintext: deps.allowPlaintext });
  } catch (error) {
    if (error instanceof AppError) throw new AppError('invalid_seed', `seed file ${file} (TOLLGATE_SEED_FILE): ${error.message}`, { cause: error });
    throw error;
  }
}

/**
 * Makes storage hold what the seed declares, idempotently: a record already equal to its seed
 * entry is not written (its updatedAt stays), others are created or replaced. Principals not
 * in the seed are left alone; the seed never deletes.
 */
export async function applySeed(seed: Seed, deps: SeedDeps, source: SecretSource): Promise<SeedOutcome> {
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

  // Before the clients, whose federated identities must name trusted issuers.
  deps.trustedIssuers.declare(seed.trustedIssuers, 'seed', 'trustedIssuers');

  for (const [index, entry] of seed.resourceServers.entries()) {
    const at = `resourceServers.${index}`;
    if (entry.identifier === adminResource.identifier) throw new AppError('invalid_field', `${at}.identifier: ${adminResource.identifier} is built in`);
    const desired = seedResourceRecord(entry);
    checkResource({ ...desired, createdAt: now, updatedAt: now }, deps.signingKeys, seedField(at));
    const record = tally(await deps.resources.get(entry.identifier), desired);
    if (record) await deps.resources.save(record);
  }

  for (const [index, entry] of seed.clients.entries()) {
    const at = `clients.${index}`;
    const existing = await deps.clients.get(entry.clientId);
    const desired = seedClientRecord(entry, at, existing, source);
    await checkClient(desired, deps.resources, seedField(at));
    checkFederatedIssuers(desired, deps.trustedIssuers, seedField(at));
    const record = tally(existing, desired);
    if (record) await deps.clients.save(record);
  }

  for (const [index, entry] of seed.accounts.entries()) {
    const at = `accounts.${index}`;
    const existing = await deps.accounts.get(entry.id ?? entry.username);
    const desired = await seedAccountRecord(entry, at, existing, source);
    const record = tally(existing, desired);
    if (!record) continue;
    const saved = existing ? await deps.accounts.save(record, existing.username) : await deps.accounts.create(record);
    if (!saved) throw new AppError('invalid_field', `${at}.username: "${entry.username}" belongs to another account`);
  }
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
