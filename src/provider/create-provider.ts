import Provider, { type Adapter, type Configuration } from 'oidc-provider';

import type { AccountRecord } from '../accounts/account-record.ts';
import { effectiveMaxPriority } from '../upstreams/priority-rules.ts';
import { createReverification } from '../upstreams/reverify-account.ts';
import { createClientAdapter } from '../clients/client-adapter.ts';
import { clientAuthMethods, deviceCodeTtlRange } from '../clients/client-record.ts';
import { deviceCodeTtlMetadata, refuseFromRegistrants } from '../clients/provider-metadata.ts';
import { defaultSigningAlg } from '../keys/signing-keys.ts';
import { externalSigning } from '../keys/store-signing-keys.ts';
import { after, always, around, type PipelineSteps } from '../http/request-pipeline.ts';
import * as deviceSources from '../pages/device-sources.ts';
import { guardDeviceSession } from '../pages/device-session-guard.ts';
import { createPendingRegistrations } from '../registration/pending-registrations.ts';
import { createRegisteredClients } from '../registration/registered-clients.ts';
import { registrationFeatures } from '../registration/registration-features.ts';
import { hideStoredSecretHashes } from '../registration/registration-responses.ts';
import { createRegistrationTermsStore } from '../registration/registration-terms.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { Services } from '../services.ts';
import { reuseBuiltClients, useHashedClientSecrets } from './client-secret-comparison.ts';
import { createFindAccount } from './find-account.ts';
import { oidcClaims, oidcScopes } from './identity-claims.ts';
import { createResourceServerPolicy } from './resource-server-policy.ts';
import { createDevicePollPacing } from './device-poll-pacing.ts';
import { deviceCodeGraceSeconds, retainExpiredDeviceCodes } from './device-code-retention.ts';
import { loadApprovedGrant } from './device-grant-policy.ts';
import { keepRevokedGrantRecords } from './revoke-grant-policy.ts';
import { devicePollInterval, invalidClientWithoutAuthentication, noCacheTokenResponses, unauthorizedClientForDisallowedGrant } from './response-rewrites.ts';
import { mintRefreshTokenIds, secureByIssuer } from '../kernel/provider-internals.ts';
import { createAccessTokenGrants } from './access-token-grants.ts';
import { createAccessTokenLiveness } from './access-token-liveness.ts';
import { createSubjectTokenVerifier } from '../token-exchange/subject-token.ts';
import { createTokenExchangeGrant } from '../token-exchange/token-exchange-grant.ts';
import { createProtocolOutcomes } from './protocol-outcomes.ts';
import { createUnknownClientDecoy } from './unknown-client-decoy.ts';
import { createIntrospectionPolicy, refusePublicIntrospection } from './introspection-policy.ts';
import { createJwtIntrospection } from './jwt-introspection.ts';
import { revocationAllowed } from './revocation-policy.ts';
import { createRevocationEvents } from './revocation-events.ts';
import { createTokenClaims } from './token-claims.ts';
import { createTokenLifetimes } from './token-lifetimes.ts';
import { refreshTokenPolicy } from './refresh-token-policy.ts';
import { createRefreshReadAhead } from './refresh-read-ahead.ts';
import { createRefreshTokenRotation } from './refresh-token-rotation.ts';
import { createAssertionVerifier } from '../federation/assertion-verifier.ts';
import { createClientTokenIssuer } from './client-token.ts';
import { registerGrantTypes, type ExtraGrant } from './grant-types.ts';
import { jwtBearerGrant } from './jwt-bearer-grant.ts';

export interface ProviderDeps extends Services {
  cookieKeys: string[];
  metrics: Metrics;
}

/** The steps of the request pipeline that change or record what oidc-provider answers. */
export type ProviderSteps = Pick<
  PipelineSteps,
  | 'deviceSessionGuard'
  | 'refusePublicIntrospection'
  | 'jwtIntrospection'
  | 'hideStoredSecretHashes'
  | 'devicePollPacing'
  | 'invalidClientWithoutAuthentication'
  | 'devicePollInterval'
  | 'unauthorizedClientForDisallowedGrant'
  | 'noCacheTokenResponses'
  | 'protocolOutcomes'
  | 'undoUnansweredRotation'
  | 'revocationEvents'
>;

/**
 * Assembles oidc-provider from our modules; each callback is a small function defined elsewhere.
 * The steps around its answers are returned for the request pipeline (http/request-pipeline.ts),
 * which says on which routes each runs.
 */
export function createProvider(deps: ProviderDeps): { provider: Provider; steps: ProviderSteps } {
  const { config, storage, clients, accounts, resources, signingKeys, upstreams } = deps;
  const maxPriorityOf = (account: AccountRecord) => effectiveMaxPriority(account, upstreams.settings);
  const reverify = createReverification(deps);
  const pendingRegistrations = createPendingRegistrations();
  const registeredClients = createRegisteredClients({ clients, resources, storage, pending: pendingRegistrations, secretPepper: config.secretPepper });
  const clientAdapter = createClientAdapter(
    clients,
    registeredClients,
    createUnknownClientDecoy(clients, config.secretPepper, { cacheMs: config.clientCacheMs }),
  );
  const accessTokenGrants = createAccessTokenGrants(storage);
  const liveness = createAccessTokenLiveness({ storage, clients, accounts, grants: accessTokenGrants });
  const introspectionPolicy = createIntrospectionPolicy(clients);
  const readAhead = createRefreshReadAhead({ grants: storage.modelAdapter('Grant'), accounts });
  const rotation = createRefreshTokenRotation(storage, { reuseIntervalSeconds: config.ttl.refreshTokenReuseInterval, readAlong: readAhead.readAlong });
  const resourcePolicy = createResourceServerPolicy({ clients, resources, signingKeys, defaultAccessTokenTtl: config.ttl.accessToken });
  const extraGrants: ExtraGrant[] = [
    jwtBearerGrant({
      clients,
      verifier: createAssertionVerifier({
        issuers: deps.trustedIssuers,
        defaultAudience: config.issuer,
        maxLifetimeSeconds: config.federation.maxAssertionLifetime,
      }),
      issueClientToken: createClientTokenIssuer(resourcePolicy),
      logger: deps.logger,
    }),
    createTokenExchangeGrant({
      clients,
      resources,
      resourcePolicy,
      maxPriorityOf,
      recordAhead: accessTokenGrants.recordAhead,
      verifySubjectToken: createSubjectTokenVerifier({ issuer: config.issuer, signingKeys, liveness, maxChainDepth: config.tokenExchange.maxChainDepth }),
    }),
  ];

  const configuration: Configuration = {
    adapter: function AdapterFor(model: string): Adapter {
      if (model === 'DeviceCode') return retainExpiredDeviceCodes(storage.modelAdapter(model), deviceCodeGraceSeconds);
      if (model === 'RefreshToken') return rotation.adapter(storage.modelAdapter(model));
      if (model === 'Grant') return readAhead.grants;
      return model === 'Client' ? clientAdapter : storage.modelAdapter(model);
    } as unknown as Configuration['adapter'],
    jwks: (signingKeys.providerKeys ? { keys: signingKeys.providerKeys } : signingKeys.jwks) as Configuration['jwks'],
    // oidc-provider's default (RS256) makes every client invalid when the JWKS has no RSA key.
    clientDefaults: { id_token_signed_response_alg: defaultSigningAlg(signingKeys) },
    cookies: { keys: deps.cookieKeys },
    clientAuthMethods: [...clientAuthMethods],
    extraClientMetadata: { properties: [deviceCodeTtlMetadata], validator: refuseFromRegistrants },
    clientBasedCORS: () => false,
    findAccount: createFindAccount({ accounts: readAhead.accounts, maxPriorityOf, reverify }),
    extraTokenClaims: rotation.sentWithClaims(accessTokenGrants.recording(createTokenClaims(clients, accounts, maxPriorityOf))),
    ...refreshTokenPolicy,
    loadExistingGrant: loadApprovedGrant,
    revokeGrantPolicy: keepRevokedGrantRecords,
    ttl: createTokenLifetimes(config.ttl),
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    renderError: deviceSources.renderError,
    responseTypes: ['none'],
    scopes: oidcScopes,
    claims: oidcClaims,
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      userinfo: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true, allowedPolicy: introspectionPolicy.allowedPolicy },
      revocation: { enabled: true, allowedPolicy: revocationAllowed },
      resourceIndicators: { enabled: true, ...resourcePolicy },
      deviceFlow: {
        enabled: true,
        charset: 'base-20',
        mask: '****-****',
        userCodeInputSource: deviceSources.userCodeInputSource,
        userCodeConfirmSource: deviceSources.userCodeConfirmSource,
        successSource: deviceSources.successSource,
      },
      ...registrationFeatures(createRegistrationTermsStore(storage), pendingRegistrations),
      externalSigningSupport: externalSigning(signingKeys),
    } as Configuration['features'],
    enabledJWA: {
      clientAuthSigningAlgValues: ['ES256', 'RS256', 'PS256', 'EdDSA'],
    },
  };

  const provider = new Provider(config.issuer, configuration);
  provider.proxy = config.trustProxy;
  registerGrantTypes(provider, extraGrants);
  useHashedClientSecrets(provider, clients, config.secretPepper);
  reuseBuiltClients(provider, clients, config.clientCacheMs);
  mintRefreshTokenIds(provider, ({ grantId, accountId }) => (grantId && accountId ? storage.refreshTokenId({ grantId, accountId }) : undefined));
  secureByIssuer(provider, config.issuer);
  const devicePollPacing = createDevicePollPacing(storage, {
    intervalSeconds: config.ttl.devicePollInterval,
    ttlSeconds: Math.max(config.ttl.deviceCode, deviceCodeTtlRange.max) + deviceCodeGraceSeconds,
  });
  const steps: ProviderSteps = {
    deviceSessionGuard: around(guardDeviceSession),
    refusePublicIntrospection: around(refusePublicIntrospection),
    jwtIntrospection: around(createJwtIntrospection({ issuer: config.issuer, signingKeys, liveness, mayIntrospect: introspectionPolicy.mayIntrospect })),
    hideStoredSecretHashes: around(hideStoredSecretHashes),
    devicePollPacing: after(devicePollPacing),
    invalidClientWithoutAuthentication: after(invalidClientWithoutAuthentication),
    devicePollInterval: after(devicePollInterval(config.ttl.devicePollInterval)),
    unauthorizedClientForDisallowedGrant: after(unauthorizedClientForDisallowedGrant),
    noCacheTokenResponses: after(noCacheTokenResponses),
    protocolOutcomes: after(createProtocolOutcomes(deps)),
    undoUnansweredRotation: always(rotation.undoUnanswered),
    revocationEvents: after(createRevocationEvents(deps.securityEvents)),
  };
  return { provider, steps };
}
