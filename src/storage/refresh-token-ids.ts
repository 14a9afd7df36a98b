import { createHmac, timingSafeEqual } from 'node:crypto';

import { randomPoolBytes } from '../kernel/random-pool.ts';

/** Whose a refresh token is, as its id says. */
export interface RefreshTokenOwner {
  grantId: string;
  accountId: string;
}

export interface RefreshTokenIds {
  /** A new refresh token's id: 256 random bits, then its grant and account, under a MAC. */
  mint(owner: RefreshTokenOwner): string;
  /** The grant and account of an id this store minted; undefined for any other string. */
  ownerOf(id: string): RefreshTokenOwner | undefined;
}

const macLength = 22;
/** Ids whose MAC was checked lately: a refresh asks for its token's owner three times. */
const verifiedCapacity = 1024;

/**
 * Refresh token ids that name their grant and account (issue 24):
 * `<random>.<grant id>.<account id, base64url>.<MAC>`. From a presented token alone the store
 * finds its grant's refresh-token chain, and the grant and account can be read alongside it.
 * A used token then needs no record of its own to be known for one of the chain's (reuse):
 * the MAC (HMAC-SHA-256 under the pepper, 132 bits) says the store minted it, so no one can make
 * up a token that revokes someone's login. Grant and account ids are no secret from the token's
 * holder (the access token names the account); the random part is what makes the token one.
 */
export function createRefreshTokenIds(pepper: string | undefined): RefreshTokenIds {
  const mac = (body: string) =>
    createHmac('sha256', pepper ?? '')
      .update(`refresh-token-id\0${body}`)
      .digest('base64url')
      .slice(0, macLength);
  // Only ids that passed the check, by their exact string: a presented token is rotated in the
  // request that asks, so what stays here is mostly ids already used. Oldest out first.
  const verified = new Map<string, RefreshTokenOwner>();
  return {
    mint({ grantId, accountId }) {
      if (!/^[\w-]+$/.test(grantId)) throw new TypeError('a grant id is URL-safe (oidc-provider makes them with nanoid)');
      const body = `${randomPoolBytes(32).toString('base64url')}.${grantId}.${Buffer.from(accountId).toString('base64url')}`;
      return `${body}.${mac(body)}`;
    },
    ownerOf(id) {
      const known = verified.get(id);
      if (known) return known;
      const parts = id.split('.');
      if (parts.length !== 4 || parts[3]?.length !== macLength) return undefined;
      const body = id.slice(0, id.length - macLength - 1);
      if (!timingSafeEqual(Buffer.from(mac(body)), Buffer.from(parts[3]))) return undefined;
      const owner = Object.freeze({ grantId: parts[1] as string, accountId: Buffer.from(parts[2] as string, 'base64url').toString() });
      if (verified.size >= verifiedCapacity) verified.delete(verified.keys().next().value as string);
      verified.set(id, owner);
      return owner;
    },
  };
}
