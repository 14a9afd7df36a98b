import test from 'ava';

import type { PendingRegistration } from '../../src/registration/pending-registrations.ts';
import { createRegistrationPolicy } from '../../src/registration/registration-policy.ts';
import { createRegistrationTermsStore, type RegistrationTerms } from '../../src/registration/registration-terms.ts';
import { createMemoryStorage } from '../../src/storage/memory-storage.ts';

const terms: RegistrationTerms = { resources: ['urn:api'], scopes: ['read', 'write'], grantTypes: ['client_credentials'], singleUse: true };

async function setUp() {
  const store = createRegistrationTermsStore(createMemoryStorage());
  await store.save('iat-1', terms, 60);
  // What the policy hands on; in a server it travels in the request's state (Provider.ctx).
  const handed = new Map<string, PendingRegistration>();
  const pending = { put: (clientId: string, entry: PendingRegistration) => void handed.set(clientId, entry), take: (clientId: string) => handed.get(clientId) };
  const policy = createRegistrationPolicy(store, pending);
  const registration = (properties: Record<string, unknown>, tokenId: string | undefined = 'iat-1') =>
    policy({ oidc: { entities: { InitialAccessToken: tokenId ? { jti: tokenId } : undefined } } } as never, properties);
  return { pending, registration };
}

test('a registration gets the grant types and scopes of its initial access token, handed on to the client store', async (t) => {
  const { pending, registration } = await setUp();
  const properties: Record<string, unknown> = { client_id: 'svc', scope: 'read' };
  await registration(properties);
  t.deepEqual(properties.grant_types, ['client_credentials']);
  t.deepEqual(properties.redirect_uris, []);
  t.false('scope' in properties, 'oidc-provider never sees API scopes');
  t.like(pending.take('svc'), { terms: { ...terms, scopes: ['read'] }, initialAccessTokenId: 'iat-1' });
});

test('what the terms do not allow is invalid_client_metadata', async (t) => {
  const { registration } = await setUp();
  for (const properties of [{ scope: 'read admin' }, { grant_types: ['refresh_token'] }, { jwks_uri: 'https://x/jwks' }]) {
    await t.throwsAsync(registration({ client_id: 'svc', ...properties }), { message: 'invalid_client_metadata' });
  }
  // RFC 7591 §3.2.2 names its own code for a redirect URI.
  await t.throwsAsync(registration({ client_id: 'svc', redirect_uris: ['https://x'] }), { message: 'invalid_redirect_uri' });
});

test('an initial access token whose terms have expired is invalid_token', async (t) => {
  const { registration } = await setUp();
  await t.throwsAsync(registration({ client_id: 'svc' }, 'gone'), { message: 'invalid_token' });
});
