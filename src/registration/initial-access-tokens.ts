import type Provider from 'oidc-provider';

import { registrationPolicyName } from './registration-policy.ts';
import type { RegistrationTerms, RegistrationTermsStore } from './registration-terms.ts';

/** Issues an initial access token for RFC 7591 registration under the given terms. */
export async function issueInitialAccessToken(
  provider: Provider,
  store: RegistrationTermsStore,
  terms: RegistrationTerms,
  expiresInSeconds: number,
): Promise<{ token: string; expiresAt: string }> {
  const initialAccessToken = new provider.InitialAccessToken({ expiresIn: expiresInSeconds, policies: [registrationPolicyName] });
  const token = await initialAccessToken.save();
  // Until its terms are stored the token registers nothing (the policy refuses it).
  await store.save(initialAccessToken.jti, terms, expiresInSeconds).catch(async (error: unknown) => {
    await initialAccessToken.destroy().catch(() => {});
    throw error;
  });
  return { token, expiresAt: new Date(Date.now() + expiresInSeconds * 1000).toISOString() };
}
