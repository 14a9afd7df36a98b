import type { GrantPrincipal } from './storage.ts';
import { sha256, type TokenDigest } from './token-digest.ts';

/**
 * Every name tollgate stores something under is built in this module.
 *
 * `valueNames`: the short-lived values (Storage.getValue/setValue/pacePoll) other modules keep,
 * the same on every store. A credential in a name is hashed (SHA-256: these credentials carry
 * 128 bits or more), so a dump shows none.
 */
export const valueNames = {
  /** JWT access token id -> the grant it was issued under (provider/access-token-grants.ts). */
  accessTokenGrant: (jti: string) => `at-grant:${jti}`,
  /** Polling state of one device code: last poll and current interval (device-poll-pacing.ts). */
  devicePoll: (deviceCode: string) => `device-poll:${sha256(deviceCode)}`,
  /**
   * What a client registering with an initial access token gets (registration-terms.ts), named
   * by the token's listing id: its SHA-256 (initial-access-token-list.ts), so an admin revoking
   * the listed token finds the terms without the token.
   */
  registrationTerms: (listingId: string) => `registration-terms:${listingId}`,
  /** A resource token's record (resource-tokens/), by public id; TTL = the token's expiry. Holds only secret hashes. */
  resourceToken: (id: string) => `resource-token:${id}`,
  /** When and from which IP a resource token was last used; TTL = the token's expiry. */
  resourceTokenUse: (id: string) => `resource-token-use:${id}`,
  /** A maintainer's session on the token pages (token-pages/page-sessions.ts), by its id's SHA-256; TTL = the absolute timeout. */
  pageSession: (sessionId: string) => `page-session:${sha256(sessionId)}`,
  /** That the session was used lately; TTL = the idle timeout, restarted by each request. */
  pageSessionSeen: (sessionId: string) => `page-session-seen:${sha256(sessionId)}`,
  /**
   * A new resource token's value on its way from the form to the page that shows it once
   * (token-pages/issued-values.ts): sealed under the session id, which is not stored; minutes.
   */
  issuedValue: (sessionId: string, tokenId: string) => `issued-value:${sha256(sessionId)}:${tokenId}`,
  /** The same, as stored before tokens were hashed at rest; read until such tokens expire. */
  legacyRegistrationTerms: (initialAccessToken: string) => `registration-terms:${initialAccessToken}`,
  /** A sign-in pending at an upstream IdP (upstreams/pending-logins.ts), by its `state`, which is never stored itself. */
  upstreamLogin: (state: string) => `upstream-login:${sha256(state)}`,
  /** Whether one account is being re-checked at its upstream IdP: the re-check's lock (upstreams/reverify-account.ts). */
  upstreamReverify: (accountId: string) => `upstream-reverify:${accountId}`,
};

/** The rate limiters' counters (Storage.rateLimiter), by what they count (pages/attempt-limits.ts). */
export const rateLimitNames = {
  userCodePerIp: 'user-code-ip',
  passwordPerIp: 'password-ip',
  passwordPerAccount: 'password-account',
  upstreamCallbackPerIp: 'upstream-callback-ip',
  leakReportPerIp: 'leak-report-ip',
} as const;

/** The collections (Storage.collection) of records that live until deleted, the same on every store. */
export const collectionNames = {
  clients: 'clients',
  clientLastUsed: 'client-last-used',
  resourceServers: 'resource-servers',
  accounts: 'accounts',
  accountUsernames: 'account-usernames',
  accountIdentities: 'account-identities',
  /** Issued initial access tokens by listing id, for admins to list and revoke (initial-access-token-list.ts). */
  initialAccessTokens: 'initial-access-tokens',
  /**
   * The resource tokens of one resource server, id -> expiry: the index its maintainers list.
   * An entry outlives its token's record (a value with a TTL) until a listing finds it gone.
   */
  resourceTokens: (resource: string) => `resource-tokens:${resource}`,
  /**
   * Trusted publishers by id (trusted-publishers/): read once per jwt-bearer request of one.
   * They live until a maintainer or admin removes them: a binding has no expiry (it holds no secret).
   */
  trustedPublishers: 'trusted-publishers',
  /** The trusted publishers of one resource server, id -> id: the index its maintainers list (pruned like resourceTokens). */
  resourcePublishers: (resource: string) => `resource-publishers:${resource}`,
  /** When and from which IP each trusted publisher was last used; deleted with it. */
  trustedPublisherUses: 'trusted-publisher-uses',
  /**
   * The recent security events of one resource server, for its maintainers' page: no TTL, kept
   * to the latest few dozen on every write (self-service/resource-activity.ts).
   */
  resourceActivity: (resource: string) => `resource-activity:${resource}`,
} as const;

/**
 * Every Redis key tollgate writes. Braces are Redis Cluster hash tags: a model, its secondary
 * indexes and its scripts address one slot each; a grant's refresh-token chain shares the
 * grant's tag with its revocation mark, so one script rotates it atomically.
 * Credentials appear only as `digest.name(...)` (see token-digest.ts and docs/operations.md, "Storage").
 */
export function createRedisKeys(prefix: string, digest: TokenDigest) {
  // Every refresh and exchange names its grant's record. A grant id is no credential (refresh
  // token ids carry it, refresh-token-ids.ts), so its key is remembered, within a bound.
  const grantKeys = new Map<string, string>();
  const grantKey = (grantId: string) => {
    let key = grantKeys.get(grantId);
    if (key === undefined) {
      if (grantKeys.size >= 4096) grantKeys.delete(grantKeys.keys().next().value as string);
      grantKeys.set(grantId, (key = `${prefix}oidc:Grant:{${digest.name(grantId)}}`));
    }
    return key;
  };
  return {
    /** Hash of one oidc-provider model instance (`p` sealed payload, `c` consumed); TTL from expiresIn. */
    model: (model: string, id: string) => (model === 'Grant' ? grantKey(id) : `${prefix}oidc:${model}:{${digest.name(id)}}`),
    /** The name a credential is stored under (its digest): computed once, then passed to the builders below that take a name. */
    nameOf: (credential: string) => digest.name(credential),
    /**
     * One grant's refresh tokens (redis-scripts.ts): the name and sealed payload of the current
     * one and of its used predecessor, the predecessor's first use, whether the current one was
     * sent; TTL of the current token. Refresh token ids name their grant (refresh-token-ids.ts).
     */
    refreshChain: (grantId: string) => `${prefix}refresh-chain:{${grantId}}`,
    /**
     * A refresh token (by name) as stored before the chain: its grant id, and its record in its
     * grant's slot (fields of the rotation script); read until such tokens expire.
     */
    olderRefreshToken: {
      grant: (name: string) => `${prefix}refresh-grant:{${name}}`,
      record: (grantId: string, name: string) => `${prefix}oidc:RefreshToken:{${grantId}}:${name}`,
    },
    /** Set of model keys issued under one grant; TTL follows its longest-lived member. */
    grant: (grantId: string) => `${prefix}grant:{${grantId}}`,
    /** Marks a revoked grant while its record lives (see Storage.isGrantRevoked). */
    revokedGrant: (grantId: string) => `${prefix}revoked-grant:{${grantId}}`,
    /** Set of grant ids of one account or client; TTL follows its longest-lived grant. */
    principalGrants: (kind: string, id: string) => `${prefix}principal-grants:{${kind}:${id}}`,
    /** Session uid -> session id (sealed under the uid); same TTL as the session. */
    uid: (uid: string) => `${prefix}uid:{${digest.name(uid)}}`,
    /** Normalised user code -> device code id (sealed under the user code); same TTL as the device code. */
    userCode: (userCode: string) => `${prefix}user-code:{${digest.name(userCode)}}`,
    /** Hash of one collection (clients, accounts, ...): records live until deleted. */
    collection: (name: string) => `${prefix}${name}`,
    /** Short-lived scalar values (valueNames), always with a TTL. */
    value: (name: string) => `${prefix}v:${name}`,
    /**
     * Store-mode signing keys (storage/redis-key-set-store.ts), one hash tag for the four: the
     * key set (private keys sealed under the key-encryption key), the rotation lock (PX), its
     * fencing counter, and the channel announcing each new version.
     */
    signingKeys: {
      set: `${prefix}{signing-keys}:set`,
      lock: `${prefix}{signing-keys}:lock`,
      fence: `${prefix}{signing-keys}:fence`,
      channel: `${prefix}{signing-keys}:changed`,
    },
    /** Key prefix for rate-limit counters (rate-limiter-flexible adds its own suffix and TTL). */
    rateLimit: (name: string) => `${prefix}rl:${name}`,
    /**
     * Keys as written before credentials were hashed at rest (plain JSON payloads, plain ids):
     * read, consumed and deleted until what they hold has expired.
     */
    legacy: {
      model: (model: string, id: string) => `${prefix}oidc:${model}:{${id}}`,
      uid: (uid: string) => `${prefix}uid:{${uid}}`,
      userCode: (userCode: string) => `${prefix}user-code:{${userCode}}`,
    },
  };
}

/**
 * The keys of the in-process store (memory-storage.ts): the Redis keys' shapes without prefix,
 * hash tags or digests, since nothing it holds leaves the process.
 */
export const memoryKeys = {
  model: (model: string, id: string) => `${model}:${id}`,
  grant: (grantId: string) => `grant:${grantId}`,
  revokedGrant: (grantId: string) => `revoked-grant:${grantId}`,
  principalGrants: (principal: GrantPrincipal) => `principal-grants:${principal.kind}:${principal.id}`,
  uid: (uid: string) => `uid:${uid}`,
  userCode: (userCode: string) => `userCode:${userCode}`,
  value: (name: string) => `value:${name}`,
  /** One grant's refresh-token chain (memory-storage.ts, as the Redis `refreshChain`). */
  refreshChain: (grantId: string) => `refresh-chain:${grantId}`,
};
