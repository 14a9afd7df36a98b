import { readFileSync } from 'node:fs';
import { calculateJwkThumbprint, createLocalJWKSet, exportJWK, generateKeyPair, type JWK } from 'jose';

import type { Config } from '../config/schema.ts';
import { invalidConfig } from '../errors.ts';
import type { SigningAlg } from '../resources/resource-server-record.ts';
import { privateJwkMembers } from './private-jwk-members.ts';

export interface SigningKeys {
  /** Private JWKS handed to oidc-provider; it publishes the public halves at jwks_uri. */
  jwks: { keys: JWK[] };
  /** The key that signs for each algorithm: the first one of its type in the set. */
  signingKid: Partial<Record<SigningAlg, string>>;
  ephemeral: boolean;
  /**
   * Store mode (keys/store-signing-keys.ts): what oidc-provider gets instead of `jwks`, one key
   * per algorithm standing for whichever key signs now; `jwks` and `signingKid` then follow the
   * stored set as it changes.
   */
  providerKeys?: unknown[];
}

// Its own module so that the configuration schema can use it without importing key loading.
export { privateJwkMembers };

/**
 * A key set of the public halves, to verify our own tokens in-process without a fetch. It
 * follows the keys: in store mode they change while the server runs.
 */
export function publicKeySet(keys: SigningKeys): ReturnType<typeof createLocalJWKSet> {
  let cached: { source: JWK[]; set: ReturnType<typeof createLocalJWKSet> } | undefined;
  const current = () => {
    const source = keys.jwks.keys;
    if (cached?.source !== source) {
      const publicKeys = source.map((jwk) => Object.fromEntries(Object.entries(jwk).filter(([name]) => !privateJwkMembers.includes(name))) as JWK);
      cached = { source, set: createLocalJWKSet({ keys: publicKeys }) };
    }
    return cached.set;
  };
  return ((header, token) => current()(header, token)) as ReturnType<typeof createLocalJWKSet>;
}

/** Which keys can sign for which of our algorithms. */
export function algFor(jwk: JWK): SigningAlg | undefined {
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'RSA') return 'RS256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  return undefined;
}

/**
 * Loads the signing keys from configuration, or generates ephemeral ones (ES256, RS256 and
 * EdDSA) when none are configured. Order matters for rotation: the first key of a type signs,
 * the others are only published (see README, "Rotating signing keys").
 */
export async function loadSigningKeys(keys: Config['keys']): Promise<SigningKeys> {
  if (!keys.jwks && !keys.jwksFile) return { ...indexKeys(await generateEphemeralKeys()), ephemeral: true };

  const setting = keys.jwksFile ? 'keys.jwksFile (TOLLGATE_JWKS_FILE)' : 'keys.jwks (TOLLGATE_JWKS)';
  let text = keys.jwks;
  if (keys.jwksFile) {
    try {
      text = readFileSync(keys.jwksFile, 'utf8');
    } catch (cause) {
      // A missing file is the usual first-deployment slip: say which command makes one.
      const hint = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? `; make one with \`tollgate keys generate --out ${keys.jwksFile}\`` : '';
      throw invalidConfig(`${setting}: cannot read ${keys.jwksFile}: ${(cause as Error).message}${hint}`);
    }
  }
  return { ...indexKeys(parsePrivateJwks(text as string, setting)), ephemeral: false };
}

export function parsePrivateJwks(text: string, setting: string): JWK[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidConfig(`${setting}: not valid JSON`);
  }
  const list = (parsed as { keys?: unknown })?.keys;
  if (!Array.isArray(list) || list.length === 0) throw invalidConfig(`${setting}: must be a JWKS object with a non-empty "keys" array`);
  const seen = new Set<string>();
  return list.map((jwk: JWK, index) => {
    if (!algFor(jwk)) throw invalidConfig(`${setting}: keys[${index}] must be an EC P-256, RSA or OKP Ed25519 key`);
    if (!jwk.d) throw invalidConfig(`${setting}: keys[${index}] is a public key; signing needs the private key`);
    if (!jwk.kid) throw invalidConfig(`${setting}: keys[${index}] has no "kid"`);
    if (seen.has(jwk.kid)) throw invalidConfig(`${setting}: kid "${jwk.kid}" appears twice`);
    seen.add(jwk.kid);
    return jwk;
  });
}

function indexKeys(list: JWK[]): Omit<SigningKeys, 'ephemeral'> {
  const signingKid: SigningKeys['signingKid'] = {};
  for (const jwk of list) {
    const alg = algFor(jwk);
    if (alg && !signingKid[alg]) signingKid[alg] = jwk.kid as string;
  }
  return { jwks: { keys: list }, signingKid };
}

/**
 * A new private JWK, its kid the algorithm and the RFC 7638 thumbprint (`ES256-3kY…`); also
 * what `tollgate keys generate` prints. A bare base64url thumbprint can start with `-`, which a
 * command line takes for an option.
 */
export async function generateSigningKey(alg: SigningAlg): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg === 'EdDSA' ? 'Ed25519' : alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) });
  const jwk = await exportJWK(privateKey);
  jwk.kid = `${alg}-${await calculateJwkThumbprint(jwk)}`;
  jwk.use = 'sig';
  return jwk;
}

async function generateEphemeralKeys(): Promise<JWK[]> {
  return Promise.all((['ES256', 'RS256', 'EdDSA'] as const).map(generateSigningKey));
}

/** The algorithm for what the provider signs on its own account (ID tokens): one we have a key for. */
export function defaultSigningAlg(keys: SigningKeys): SigningAlg {
  return (['ES256', 'EdDSA', 'RS256'] as const).find((alg) => keys.signingKid[alg]) ?? 'ES256';
}
