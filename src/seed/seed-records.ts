import { defaultAccountId, type AccountRecord, type LinkedIdentity } from '../accounts/account-record.ts';
import { hashPassword, verifyPassword } from '../accounts/password-hash.ts';
import { usesClientSecret, type ClientRecord } from '../clients/client-record.ts';
import { hashClientSecret, unreservedSecretMessage, unreservedSecretPattern } from '../clients/client-secret.ts';
import { newClientRecord } from '../clients/new-client-record.ts';
import { invalidField } from '../errors.ts';
import type { ResourceServerRecord } from '../resources/resource-server-record.ts';
import { changedSelfService, givenMaintainers } from '../resources/self-service-changes.ts';
import type { SeedAccount, SeedClient, SeedResourceServer } from './seed-schema.ts';

export interface SecretSource {
  env: NodeJS.ProcessEnv;
  secretPepper: string | undefined;
  /** Plaintext `secret` / `password` in the file: development (in-process store) only. */
  allowPlaintext: boolean;
}

/** The record the seed asks for; timestamps are the caller's business. */
export function seedResourceRecord(seed: SeedResourceServer): Omit<ResourceServerRecord, 'createdAt' | 'updatedAt'> {
  return {
    identifier: seed.identifier,
    name: seed.name ?? seed.identifier,
    scopes: seed.scopes,
    ...(seed.accessTokenTtl !== undefined ? { accessTokenTtl: seed.accessTokenTtl } : {}),
    signingAlg: seed.signingAlg,
    ...optional('maintainers', givenMaintainers(seed.maintainers)),
    ...optional(
      'selfService',
      changedSelfService(undefined, {
        enabled: seed.selfService,
        scopes: seed.selfServiceScopes,
        maxPriority: seed.selfServiceMaxPriority,
        maxLifetimeDays: seed.selfServiceMaxLifetimeDays,
        publisherIssuers: seed.trustedPublisherIssuers,
      }),
    ),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** The record the seed asks for; its timestamps are the caller's business. */
export function seedClientRecord(seed: SeedClient, at: string, existing: ClientRecord | undefined, source: SecretSource): ClientRecord {
  const hash = clientSecretHash(seed, at, source);
  // The current secret unchanged keeps any rotation overlap that an admin started.
  const secrets = hash === undefined ? [] : existing?.secrets[0]?.hash === hash ? existing.secrets : [{ hash }];
  return newClientRecord({
    clientId: seed.clientId,
    name: seed.name,
    description: seed.description,
    grantTypes: seed.grantTypes,
    authMethod: seed.authMethod,
    secrets,
    jwks: seed.jwks as ClientRecord['jwks'],
    scopes: seed.scopes,
    resources: seed.resources,
    defaultResource: seed.defaultResource,
    serves: seed.serves,
    maxPriority: seed.maxPriority,
    deviceCodeTtl: seed.deviceCodeTtl,
    federatedIdentities: seed.federatedIdentities,
    disabled: seed.disabled,
  });
}

function clientSecretHash(seed: SeedClient, at: string, source: SecretSource): string | undefined {
  const given = [seed.secretEnv, seed.secretHash, seed.secret].filter((value) => value !== undefined).length;
  if (!usesClientSecret(seed.authMethod)) {
    if (given > 0) throw invalidField(`${at}.authMethod`, `${seed.authMethod} clients have no secret; remove secretEnv / secretHash / secret`);
    return undefined;
  }
  if (given !== 1) throw invalidField(`${at}.secretEnv`, 'a client_secret_* client needs exactly one of secretEnv, secretHash or (development only) secret');
  if (seed.secretHash) {
    if (seed.secretHash.startsWith('hmac-sha256:') && !source.secretPepper)
      throw invalidField(`${at}.secretHash`, 'an hmac-sha256 hash needs TOLLGATE_SECRET_PEPPER');
    return seed.secretHash;
  }
  if (seed.secret !== undefined) {
    if (!source.allowPlaintext) throw invalidField(`${at}.secret`, 'plaintext secrets are for development only (no Redis); use secretEnv or secretHash');
    if (!unreservedSecretPattern.test(seed.secret)) throw invalidField(`${at}.secret`, unreservedSecretMessage);
    return hashClientSecret(seed.secret, source.secretPepper);
  }
  const value = source.env[seed.secretEnv as string];
  if (!value) throw invalidField(`${at}.secretEnv`, `environment variable ${seed.secretEnv} is not set`);
  if (value.length < 32)
    throw invalidField(`${at}.secretEnv`, `${seed.secretEnv} must be at least 32 characters (tollgate keeps client secrets under a fast hash)`);
  if (!unreservedSecretPattern.test(value)) throw invalidField(`${at}.secretEnv`, `${seed.secretEnv} ${unreservedSecretMessage}`);
  return hashClientSecret(value, source.secretPepper);
}

export async function seedAccountRecord(
  seed: SeedAccount,
  at: string,
  existing: AccountRecord | undefined,
  source: SecretSource,
): Promise<Omit<AccountRecord, 'createdAt' | 'updatedAt'>> {
  return {
    id: seed.id ?? defaultAccountId(seed.username, `${at}.id`),
    username: seed.username,
    passwordHash: await accountPasswordHash(seed, at, existing, source),
    ...(seed.name ? { name: seed.name } : {}),
    ...(seed.email ? { email: seed.email } : {}),
    ...(seed.maxPriority !== undefined ? { maxPriority: seed.maxPriority } : {}),
    ...(seed.identities.length || existing?.identities?.length ? { identities: seedIdentities(seed, existing) } : {}),
    disabled: seed.disabled,
  };
}

/**
 * The seed's identities merged into those already linked: one already there keeps what sign-ins
 * stored (groups, last check, credential), so re-applying the seed changes nothing; the seed
 * never unlinks.
 */
function seedIdentities(seed: SeedAccount, existing: AccountRecord | undefined): LinkedIdentity[] {
  const now = new Date().toISOString();
  const linked = [...(existing?.identities ?? [])];
  for (const { upstream, subject, groups } of seed.identities) {
    if (linked.some((identity) => identity.upstream === upstream && identity.subject === subject)) continue;
    linked.push({ upstream, subject, groups, linkedAt: now, checkedAt: now });
  }
  return linked;
}

async function accountPasswordHash(seed: SeedAccount, at: string, existing: AccountRecord | undefined, source: SecretSource): Promise<string> {
  const given = [seed.passwordEnv, seed.passwordHash, seed.password].filter((value) => value !== undefined).length;
  // An account with linked identities may sign in only through its upstreams.
  if (given === 0 && seed.identities.length > 0) return '';
  if (given !== 1)
    throw invalidField(
      `${at}.passwordEnv`,
      'an account needs exactly one of passwordEnv, passwordHash or (development only) password, or identities to sign in with',
    );
  if (seed.passwordHash) return seed.passwordHash;
  if (seed.password !== undefined && !source.allowPlaintext) {
    throw invalidField(`${at}.password`, 'plaintext passwords are for development only (no Redis); use passwordEnv or passwordHash');
  }
  const value = seed.password ?? source.env[seed.passwordEnv as string];
  if (!value) throw invalidField(`${at}.passwordEnv`, `environment variable ${seed.passwordEnv} is not set`);
  if (value.length < 8) throw invalidField(`${at}.passwordEnv`, 'the password must be at least 8 characters');
  // scrypt hashes are salted: keep the stored one while it still matches, or nothing is idempotent.
  if (existing && (await verifyPassword(value, existing.passwordHash))) return existing.passwordHash;
  return hashPassword(value);
}
