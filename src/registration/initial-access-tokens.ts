import type Provider from 'oidc-provider';

import { registrationPolicyName } from './registration-policy.ts';
import { createInitialAccessTokenList, initialAccessTokenId } from './initial-access-token-list.ts';
import type { RegistrationTerms, RegistrationTermsStore } from './registration-terms.ts';
import type { Storage } from '../storage/storage.ts';

/** Issues an initial access token for RFC 7591 registration under the given terms. */
export async function issueInitialAccessToken(
  provider: Provider,
  storage: Storage,
  store: RegistrationTermsStore,
  terms: RegistrationTerms,
  expiresInSeconds: number,
): Promise<{ token: string; id: string; expiresAt: string }> {
  const initialAccessToken = new provider.InitialAccessToken({ expiresIn: expiresInSeconds, policies: [registrationPolicyName] });
  const token = await initialAccessToken.save();
  // Until its terms are stored the token registers nothing (the policy refuses it).
  await store.save(initialAccessToken.jti, terms, expiresInSeconds).catch(async (error: unknown) => {
    await initialAccessToken.destroy().catch(() => {});
    throw error;
  });
  const now = Date.now();
  const id = initialAccessTokenId(initialAccessToken.jti);
  const expiresAt = new Date(now + expiresInSeconds * 1000).toISOString();
  await createInitialAccessTokenList(storage).add({ id, createdAt: new Date(now).toISOString(), expiresAt, terms });
  return { token, id, expiresAt };
}
