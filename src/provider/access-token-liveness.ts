import type { JWTPayload } from 'jose';
import type Provider from 'oidc-provider';

import type { AccountRecord } from '../accounts/account-record.ts';
import type { AccountStore } from '../accounts/account-store.ts';
import type { ClientRegistry } from '../clients/client-registry.ts';
import type { Storage } from '../storage/storage.ts';
import { actorsOf } from '../token-exchange/act-chain.ts';
import type { AccessTokenGrants } from './access-token-grants.ts';

export interface AccessTokenLivenessDeps {
  storage: Storage;
  clients: ClientRegistry;
  accounts: AccountStore;
  grants: AccessTokenGrants;
}

// Grant ids come from our own records of verified tokens; the bound keeps the map small.
const maxLoginClients = 50_000;

/** A person's token that is still good: the grant (login) it was issued under, and the person as stored now. */
export interface LivePersonToken {
  grantId: string;
  account: AccountRecord;
}

/**
 * Whether a verified JWT access token still stands, beyond its signature and expiry: its client
 * is enabled and, for a person's token, its grant is not revoked, the person is enabled, and so
 * is every service in its `act` chain (RFC 8693 §4.1): disabling a service ends what it derived.
 * Introspection (RFC 7662 §2.2) and token exchange (RFC 8693) ask the same question.
 */
export function createAccessTokenLiveness(deps: AccessTokenLivenessDeps) {
  // Grant id -> the client the person logged in with, which a grant never changes: once read,
  // whether the grant stands is all there is left to ask (Storage.grantStands).
  const loginClients = new Map<string, string>();

  /** The client the person logged in with, while the grant stands. */
  async function standingGrantClient(provider: Provider, grantId: string): Promise<string | undefined> {
    const known = loginClients.get(grantId);
    if (known) return (await deps.storage.grantStands(grantId)) ? known : undefined;
    const [grant, revoked] = await Promise.all([provider.Grant.find(grantId), deps.storage.isGrantRevoked(grantId)]);
    if (!grant?.clientId || revoked) return undefined;
    loginClients.set(grantId, grant.clientId);
    if (loginClients.size > maxLoginClients) loginClients.delete(loginClients.keys().next().value as string);
    return grant.clientId;
  }

  /**
   * The grant and account behind a person's token, when all of them are still good. `alongside`
   * is sent with the reads (one round trip), given the grant; it is awaited with them.
   */
  async function livePerson(provider: Provider, payload: JWTPayload, alongside?: (grantId: string) => Promise<unknown>): Promise<LivePersonToken | undefined> {
    const grantId = payload.jti ? await deps.grants.grantOf(payload.jti, payload.exp) : undefined;
    const actors = actorsOf(payload.act);
    if (!grantId || !payload.sub || !actors) return undefined;
    const [loginClient, account, actorsEnabled] = await Promise.all([
      standingGrantClient(provider, grantId),
      deps.accounts.get(payload.sub),
      Promise.all(actors.map(clientEnabled)),
      alongside?.(grantId),
    ]);
    if (!loginClient || !account || account.disabled || actorsEnabled.includes(false)) return undefined;
    // For an exchanged token the client the person logged in with is not the token's own.
    if (loginClient !== payload.client_id && !(await clientEnabled(loginClient))) return undefined;
    return { grantId, account };
  }

  async function clientEnabled(clientId: string): Promise<boolean> {
    const client = await deps.clients.get(clientId);
    return Boolean(client && !client.disabled);
  }

  async function isLive(provider: Provider, payload: JWTPayload, clientId: string): Promise<boolean> {
    if (!(await clientEnabled(clientId))) return false;
    // Client-credentials tokens are the client's own; anything else is a person's, under a grant.
    if (payload.sub === clientId) return true;
    return (await livePerson(provider, payload)) !== undefined;
  }

  return { livePerson, clientEnabled, isLive };
}

export type AccessTokenLiveness = ReturnType<typeof createAccessTokenLiveness>;
