import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';

import { createAccountStore } from './accounts/account-store.ts';
import { createAdminRouter } from './admin/admin-router.ts';
import { adminRoutes } from './admin/admin-routes.ts';
import { createApp } from './app.ts';
import { createClientRegistry } from './clients/client-registry.ts';
import type { Config } from './config/schema.ts';
import { ensureDemo, type DemoCredentials } from './demo/ensure-demo.ts';
import { createTrustedIssuers } from './federation/trusted-issuers.ts';
import { createHealthRoutes } from './http/health-routes.ts';
import { renderNotFound, renderNotFoundPage } from './pages/not-found.ts';
import { createRequestFrame } from './http/request-frame.ts';
import { after, around, before, describePipeline, type PipelineSteps, type RouteName } from './http/request-pipeline.ts';
import { createValidHost } from './pages/valid-host.ts';
import { createJwksResponse, jwksMaxAge } from './keys/jwks-response.ts';
import { openSigningKeys } from './keys/open-signing-keys.ts';
import { signingKeyGauges } from './keys/key-gauges.ts';
import type { Logger } from './logger.ts';
import { createLatencyObserver } from './metrics/http-metrics.ts';
import { measureStorage } from './metrics/measured-storage.ts';
import { createMetrics, type Metrics } from './metrics/metrics.ts';
import { createMetricsRoute } from './metrics/metrics-route.ts';
import { createInteractionRoutes } from './pages/interaction-routes.ts';
import { createAttemptLimits } from './pages/attempt-limits.ts';
import { createInteractionCsrf } from './pages/interaction-csrf.ts';
import { pageHeaders } from './pages/page-headers.ts';
import { createUserCodeAttempts } from './pages/user-code-attempts.ts';
import { userCodePrefill } from './pages/user-code-prefill.ts';
import { createProvider } from './provider/create-provider.ts';
import { subscribeProviderEvents } from './provider/provider-events.ts';
import { createProviderRoutes } from './kernel/provider-internals.ts';
import { createResourceRegistry } from './resources/resource-registry.ts';
import { createRegistrationUpdateSecret } from './registration/registration-update-secret.ts';
import { ensureStartupPrincipals } from './seed/startup-principals.ts';
import { upstreamsWithSeed } from './seed/seed-upstreams.ts';
import { createSecurityEvents } from './security/security-events.ts';
import { createSelfService, type SelfService } from './self-service/create-self-service.ts';
import { createResourceActivity, withResourceActivity } from './self-service/resource-activity.ts';
import { createSelfServiceRouter } from './self-service/self-service-router.ts';
import { selfServiceRoutes } from './self-service/self-service-routes.ts';
import type { Services } from './services.ts';
import { openStorage } from './storage/open-storage.ts';
import { createIssuedValues } from './token-pages/issued-values.ts';
import { signInPath } from './token-pages/page-chrome.ts';
import { createPageSessions } from './token-pages/page-sessions.ts';
import { createTokenPages } from './token-pages/token-pages.ts';
import { createUpstreamCallback } from './pages/upstream-callback.ts';
import { createPendingLogins } from './upstreams/pending-logins.ts';
import { createReverification } from './upstreams/reverify-account.ts';
import { createTokenSealer } from './upstreams/token-sealer.ts';
import { createUpstreamRegistry } from './upstreams/upstream-registry.ts';

export interface Tollgate extends Services {
  provider: Provider;
  demo: DemoCredentials | undefined;
  metrics: Metrics;
  /** The steps each route runs, as configured (the request pipeline's rows, steps not configured marked). */
  pipeline: Record<RouteName, string>;
  selfService: SelfService;
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  close(): Promise<void>;
}

/** Builds every part from one validated configuration; connects storage but listens on nothing. */
export async function createTollgate(
  config: Config,
  logger: Logger,
  env: NodeJS.ProcessEnv = {},
  options: { allStarted?: () => boolean } = {},
): Promise<Tollgate> {
  const metrics = createMetrics();
  const storage = measureStorage(await openStorage(config, logger), metrics);
  const clients = createClientRegistry(storage, config.clientCacheMs, (error) => logger.warn({ err: error }, 'could not record client last use'));
  const accounts = createAccountStore(storage);
  const resources = createResourceRegistry(storage, config.clientCacheMs);

  const activity = createResourceActivity(storage);
  // Every security event naming a resource server also shows on that resource's page.
  const securityEvents = withResourceActivity(createSecurityEvents(logger, metrics), activity, (error) =>
    logger.warn({ err: error }, 'could not record resource activity'),
  );
  const { signingKeys, keyManager } = await openSigningKeys({
    config,
    keySet: storage.keySet,
    resources,
    logger,
    securityEvents,
    onTransition: metrics.signingKeyTransition,
  });
  if (keyManager) metrics.observeSigningKeys(signingKeyGauges(keyManager));
  securityEvents.emit('key_set.loaded', {
    kids: signingKeys.jwks.keys.map((key) => key.kid),
    signing: signingKeys.signingKid,
    ephemeral: signingKeys.ephemeral,
  });
  if (signingKeys.ephemeral) {
    logger.warn('no signing keys configured (TOLLGATE_JWKS_FILE): using ephemeral keys; tokens stop verifying at restart');
  }
  let cookieKeys = [...config.cookieKeys];
  if (cookieKeys.length === 0) {
    cookieKeys = [randomBytes(32).toString('base64url')];
    if (storage.kind === 'redis') {
      logger.warn('no cookie keys configured (TOLLGATE_COOKIE_KEYS): device-login pages only work when every step reaches this same process');
    }
  }

  const trustedIssuers = createTrustedIssuers(config.federation.trustedIssuers);
  let demo: DemoCredentials | undefined;
  let services: Services;
  try {
    const upstreams = await createUpstreamRegistry(upstreamsWithSeed(config.upstreams, config.seedFile, env), logger);
    services = {
      config,
      storage,
      clients,
      accounts,
      resources,
      signingKeys,
      keyManager,
      trustedIssuers,
      logger,
      securityEvents,
      upstreams,
      sealer: createTokenSealer(cookieKeys),
    };
    // `env` carries the values of the seed's secretEnv / passwordEnv references.
    await ensureStartupPrincipals(services, env);
    demo = await ensureDemo(services, config);
  } catch (error) {
    await keyManager?.close();
    await storage.close();
    throw error;
  }

  const limits = createAttemptLimits(storage, config.rateLimit);
  const selfService = createSelfService(services, metrics, limits, activity);
  const { provider, steps: providerSteps } = createProvider({ ...services, clients: selfService.clients, cookieKeys, metrics });
  subscribeProviderEvents(provider, { clients: selfService.clients, logger, metrics, securityEvents });
  const { upstreams, sealer } = services;
  const pending = createPendingLogins(storage, sealer, config.ttl.interaction);
  const upstreamSignIn = { upstreams, pending, issuer: config.issuer, ttlSeconds: config.ttl.interaction, logger };
  const tokenPages = createTokenPages({
    issuer: config.issuer,
    accounts,
    resources,
    upstreams,
    securityEvents,
    logger,
    selfService,
    activity,
    sessions: createPageSessions(storage, { idleSeconds: config.ttl.tokenPagesIdle, absoluteSeconds: config.ttl.tokenPagesAbsolute }),
    issued: createIssuedValues(storage, config.secretPepper),
    csrf: createInteractionCsrf(cookieKeys, 'token-pages'),
    limits,
    reverify: createReverification({ ...services }),
    upstreamSignIn,
    passwordSignIn: config.passwordSignIn,
    secureCookies: config.issuer.startsWith('https:'),
    sessionSeconds: config.ttl.tokenPagesAbsolute,
    signInSeconds: config.ttl.interaction,
  });
  const steps: PipelineSteps = {
    ...providerSteps,
    requestFrame: { aroundFor: (route) => createRequestFrame({ logger, observeLatency: createLatencyObserver(metrics, route) }) },
    validHost: before(createValidHost()),
    jwksResponse: around(createJwksResponse(signingKeys, jwksMaxAge(config.keys))),
    pageHeaders: around(pageHeaders),
    healthRoutes: around(createHealthRoutes(storage, options.allStarted)),
    ...(config.metrics.token && config.metrics.port === undefined ? { metricsRoute: around(createMetricsRoute(metrics, config.metrics.token)) } : {}),
    adminRouter: around(createAdminRouter({ ...services, provider, selfService }, adminRoutes)),
    selfServiceRouter: around(createSelfServiceRouter({ ...services, provider, selfService }, selfServiceRoutes(selfService))),
    interactionRoutes: around(
      createInteractionRoutes({
        provider,
        accounts,
        resources,
        limits,
        csrf: createInteractionCsrf(cookieKeys),
        logger,
        securityEvents,
        passwordSignIn: config.passwordSignIn,
        upstreamSignIn,
      }),
    ),
    upstreamCallback: around(
      createUpstreamCallback({
        ...upstreamSignIn,
        provider,
        accounts,
        sealer,
        securityEvents,
        limits,
        pageSignIn: { retry: signInPath, signedIn: tokenPages.signedIn },
      }),
    ),
    tokenPages: around(tokenPages.tokenPages),
    userCodePrefill: around(userCodePrefill),
    userCodeAttempts: around(createUserCodeAttempts(limits, securityEvents)),
    registrationUpdateSecret: around(createRegistrationUpdateSecret(clients, config.secretPepper)),
    notFound: after(renderNotFound),
    notFoundPage: after(renderNotFoundPage),
  };
  const app = createApp({ provider, providerRoutes: createProviderRoutes(provider), steps });

  return {
    ...services,
    provider,
    demo,
    metrics,
    pipeline: describePipeline(steps),
    selfService,
    handler: app.callback(),
    close: async () => {
      await keyManager?.close();
      await storage.close();
    },
  };
}
