import { z } from 'zod';

import { unreservedSecretMessage, unreservedSecretPattern } from '../clients/client-secret.ts';
import { trustedIssuerSchema } from '../federation/trusted-issuer.ts';
import { upstreamSchema, type UpstreamSettings } from './upstream-schema.ts';

/**
 * Every setting tollgate reads, with its default and what it means. This is the one place
 * defaults are documented: docs/configuration.md is generated from it (npm run docs:config).
 */
export const configSchema = z
  .object({
    port: z.number().int().min(0).max(65535).default(3000).describe('TCP port to listen on (PORT)'),
    host: z.string().min(1).default('0.0.0.0').describe('Interface to bind (TOLLGATE_HOST)'),
    issuer: z.url().optional().describe('Public issuer URL; defaults to http://localhost:<port> (TOLLGATE_ISSUER)'),
    trustProxy: z.boolean().default(false).describe('Trust X-Forwarded-* headers from a TLS-terminating proxy (TOLLGATE_TRUST_PROXY)'),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level (TOLLGATE_LOG_LEVEL)'),
    logFormat: z
      .enum(['auto', 'json', 'pretty'])
      .default('auto')
      .describe('json: one JSON object per line; pretty: human-readable lines; auto: pretty when stdout is a terminal (TOLLGATE_LOG_FORMAT)'),
    workers: z.number().int().min(1).max(256).default(1).describe('Processes to run; more than 1 needs Redis (TOLLGATE_WORKERS)'),
    redis: z
      .object({
        url: z
          .string()
          .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
          .optional()
          .describe('Redis URL; unset means the in-process store that keeps nothing (REDIS_URL)'),
        mode: z.enum(['standalone', 'sentinel', 'cluster']).default('standalone').describe('How to reach Redis (TOLLGATE_REDIS_MODE)'),
        sentinelName: z.string().default('mymaster').describe('Sentinel master group name (TOLLGATE_REDIS_SENTINEL_NAME)'),
        nodes: z
          .array(z.string().regex(/^[^:\s]+:\d+$/, 'must be host:port'))
          .default([])
          .describe('Sentinel or cluster seed nodes, host:port (TOLLGATE_REDIS_NODES, comma-separated)'),
        keyPrefix: z
          .string()
          .regex(/^[A-Za-z0-9:_-]*$/)
          .default('tollgate:')
          .describe('Prefix of every Redis key (TOLLGATE_REDIS_PREFIX)'),
        commandTimeoutMs: z
          .number()
          .int()
          .positive()
          .default(2000)
          .describe('A Redis command slower than this fails the request with 503 (TOLLGATE_REDIS_TIMEOUT_MS)'),
      })
      .strict()
      .prefault({}),
    demo: z.boolean().optional().describe('Create the demo client, device client and account; default: true only without Redis (TOLLGATE_DEMO)'),
    demoSecret: z
      .string()
      .min(16)
      .regex(unreservedSecretPattern, unreservedSecretMessage)
      .optional()
      .describe('Fixed secret of the demo client; random when unset (TOLLGATE_DEMO_SECRET)'),
    demoPassword: z.string().min(8).optional().describe('Fixed password of the demo account; random when unset (TOLLGATE_DEMO_PASSWORD)'),
    keys: z
      .object({
        jwksFile: z.string().optional().describe('Path of a private JWKS file with the signing keys (TOLLGATE_JWKS_FILE)'),
        jwks: z.string().optional().describe('The private JWKS as JSON text, for secret stores that inject variables (TOLLGATE_JWKS)'),
        source: z
          .enum(['file', 'store'])
          .default('file')
          .describe(
            'file: keys from jwksFile/jwks, rotated by hand; store: keys kept in the storage, sealed, rotated by themselves (docs/signing-keys.md) (TOLLGATE_KEY_SOURCE)',
          ),
        encryptionKey: z.string().optional().describe('Store mode: the 32-byte key-encryption key sealing private keys, base64 (TOLLGATE_KEY_ENCRYPTION_KEY)'),
        encryptionKeyFile: z.string().optional().describe('Store mode: a file holding the key-encryption key (TOLLGATE_KEY_ENCRYPTION_KEY_FILE)'),
        algorithms: z
          .array(z.enum(['ES256', 'RS256', 'EdDSA']))
          .default(['ES256'])
          .describe('Store mode: algorithms that always have keys; those resource servers ask for are added (TOLLGATE_KEY_ALGORITHMS)'),
        rotationPeriod: z
          .number()
          .int()
          .positive()
          .default(30 * 24 * 3600)
          .describe('Store mode: seconds a key signs before the next takes over (TOLLGATE_KEY_ROTATION_PERIOD)'),
        publishAhead: z
          .number()
          .int()
          .positive()
          .default(24 * 3600)
          .describe('Store mode: seconds the next key is published before it signs; at least jwksMaxAge (TOLLGATE_KEY_PUBLISH_AHEAD)'),
        retention: z
          .number()
          .int()
          .min(0)
          .default(0)
          .describe(
            'Store mode: seconds a retired key stays published; never less than the longest access-token lifetime plus clockSkew (TOLLGATE_KEY_RETENTION)',
          ),
        clockSkew: z.number().int().min(0).default(60).describe('Seconds of clock difference allowed between tollgate and verifiers (TOLLGATE_KEY_CLOCK_SKEW)'),
        jwksMaxAge: z
          .number()
          .int()
          .min(0)
          .default(3600)
          .describe('Seconds /jwks may be cached (Cache-Control max-age); in store mode capped below publishAhead (TOLLGATE_JWKS_MAX_AGE)'),
        checkIntervalMs: z
          .number()
          .int()
          .min(100)
          .max(5000)
          .default(2000)
          .describe('Store mode: how often each instance checks the key set, besides the change notification (TOLLGATE_KEY_CHECK_INTERVAL_MS)'),
        lockTtlMs: z
          .number()
          .int()
          .min(100)
          .default(30_000)
          .describe('Store mode: how long the rotation lock holds if its holder dies (TOLLGATE_KEY_LOCK_TTL_MS)'),
        transitionDelayMs: z
          .number()
          .int()
          .min(0)
          .default(0)
          .describe(
            'Testing only: milliseconds a transition waits holding the lock before it writes, to crash an instance mid-transition (TOLLGATE_KEY_TRANSITION_DELAY_MS)',
          ),
      })
      .strict()
      .refine((keys) => keys.source === 'file' || keys.publishAhead <= keys.rotationPeriod, {
        message: 'publishAhead must not exceed rotationPeriod',
        path: ['publishAhead'],
      })
      .refine((keys) => keys.source === 'file' || keys.jwksMaxAge <= keys.publishAhead, {
        message: 'jwksMaxAge must not exceed publishAhead: a verifier would cache the JWKS past the moment the next key signs',
        path: ['jwksMaxAge'],
      })
      .prefault({}),
    cookieKeys: z
      .array(z.string().min(32))
      .default([])
      .describe('Keys signing the device-login cookies, newest first; random per process when empty (TOLLGATE_COOKIE_KEYS, comma-separated)'),
    secretPepper: z
      .string()
      .min(32)
      .optional()
      .describe(
        'Server-side pepper keying the hashes of client secrets and the digests of credentials in Redis (HMAC-SHA-256); required with Redis (make one with `openssl rand -hex 32`, never change it), random per process on the in-process store (TOLLGATE_SECRET_PEPPER)',
      ),
    ttl: z
      .object({
        accessToken: z.number().int().positive().default(600).describe('Default access-token lifetime, seconds; a resource server may set its own'),
        deviceCode: z.number().int().positive().default(600).describe('Device code lifetime, seconds (TOLLGATE_DEVICE_CODE_TTL)'),
        devicePollInterval: z.number().int().positive().default(5).describe('Minimum polling interval told to device clients, seconds'),
        refreshToken: z
          .number()
          .int()
          .positive()
          .default(14 * 86400)
          .describe('Refresh-token idle lifetime, seconds; each rotation starts it again (TOLLGATE_REFRESH_TOKEN_TTL)'),
        refreshTokenAbsolute: z
          .number()
          .int()
          .positive()
          .default(90 * 86400)
          .describe('Absolute cap from the first login, seconds; no rotation extends past it (TOLLGATE_REFRESH_TOKEN_ABSOLUTE_TTL)'),
        refreshTokenReuseInterval: z
          .number()
          .int()
          .min(0)
          .max(300)
          .default(10)
          .describe(
            'How long after a refresh token was first used it may be presented again while its successor is still unused (the answer with the successor was lost on the way: a dropped connection), seconds; the retry replaces that successor. Later, or once the successor was used, it is reuse and revokes the grant. A successor whose answer was never sent (storage failed mid-request: 503) is not issued, and a retry replaces it at any time until it is used. 0 turns retries of sent answers off (TOLLGATE_REFRESH_TOKEN_REUSE_INTERVAL)',
          ),
        interaction: z.number().int().positive().default(900).describe('How long a person has to finish the sign-in pages, seconds'),
        tokenPagesIdle: z
          .number()
          .int()
          .positive()
          .default(1800)
          .describe("The maintainers' token pages (/tokens) sign a person out after this long without a request, seconds (TOLLGATE_TOKEN_PAGES_IDLE_TTL)"),
        tokenPagesAbsolute: z
          .number()
          .int()
          .positive()
          .default(12 * 3600)
          .describe(
            "The maintainers' token pages sign a person out this long after they signed in, however active, seconds (TOLLGATE_TOKEN_PAGES_ABSOLUTE_TTL)",
          ),
      })
      .strict()
      .refine((ttl) => ttl.tokenPagesIdle <= ttl.tokenPagesAbsolute, { message: 'tokenPagesIdle must not exceed tokenPagesAbsolute', path: ['tokenPagesIdle'] })
      .prefault({}),
    rateLimit: z
      .object({
        userCodePerIp: z.number().int().positive().default(20).describe('User-code attempts per IP per window'),
        passwordPerIp: z.number().int().positive().default(20).describe('Password attempts per IP per window'),
        passwordPerAccount: z.number().int().positive().default(10).describe('Password attempts per username per window'),
        upstreamCallbackPerIp: z
          .number()
          .int()
          .positive()
          .default(30)
          .describe('Upstream sign-in callbacks per IP per window that do not sign anyone in (TOLLGATE_RATE_LIMIT_UPSTREAM_CALLBACK_PER_IP)'),
        leakReportPerIp: z
          .number()
          .int()
          .positive()
          .default(100)
          .describe(
            'Values reported to POST /self-service/leaked-tokens per IP per window, each value counted whatever it is (TOLLGATE_RATE_LIMIT_LEAK_REPORT_PER_IP)',
          ),
        windowSeconds: z.number().int().positive().default(300).describe('Length of a rate-limit window, seconds'),
      })
      .strict()
      .prefault({}),
    clientCacheMs: z
      .number()
      .int()
      .min(0)
      .default(2000)
      .describe('How long a process caches a client record; a change made elsewhere shows within this (TOLLGATE_CLIENT_CACHE_MS)'),
    metrics: z
      .object({
        port: z
          .number()
          .int()
          .min(0)
          .max(65535)
          .optional()
          .describe('Serve /metrics on this separate port, away from clients; the multi-process primary serves it summed over workers (TOLLGATE_METRICS_PORT)'),
        host: z.string().min(1).optional().describe('Interface of the metrics port; defaults to host (TOLLGATE_METRICS_HOST)'),
        token: z
          .string()
          .min(16)
          .optional()
          .describe('Bearer token a scraper must send; without a metrics port, /metrics on the main port exists only with it (TOLLGATE_METRICS_TOKEN)'),
      })
      .strict()
      .prefault({}),
    federation: z
      .object({
        trustedIssuers: z
          .array(trustedIssuerSchema)
          .max(100)
          .default([])
          .refine((list) => new Set(list.map((entry) => entry.issuer)).size === list.length, 'lists an issuer twice')
          .describe('Platforms whose tokens clients may present as jwt-bearer assertions (Kubernetes, GitHub Actions); the seed can add more'),
        maxAssertionLifetime: z
          .number()
          .int()
          .min(60)
          .max(86400)
          .default(3600)
          .describe('Longest lifetime (exp - iat) of an accepted assertion, seconds; refuses long-lived legacy tokens (TOLLGATE_MAX_ASSERTION_LIFETIME)'),
      })
      .strict()
      .prefault({}),
    tokenExchange: z
      .object({
        maxChainDepth: z
          .number()
          .int()
          .min(1)
          .max(20)
          .default(5)
          .describe(
            "Most services that may act in one chain of token exchanges (the act claim's depth); a longer chain is refused with invalid_request (TOLLGATE_EXCHANGE_MAX_CHAIN_DEPTH)",
          ),
      })
      .strict()
      .prefault({})
      .describe('RFC 8693 token exchange'),
    tracing: z
      .object({
        endpoint: z
          .url()
          .optional()
          .describe(
            'OTLP/HTTP collector base URL; traces go to <endpoint>/v1/traces. Unset: tracing is off and nothing of OpenTelemetry loads (OTEL_EXPORTER_OTLP_ENDPOINT)',
          ),
        tracesEndpoint: z.url().optional().describe('Full OTLP/HTTP traces URL, used as is; wins over endpoint (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)'),
        serviceName: z.string().min(1).default('tollgate').describe('service.name of the exported spans (OTEL_SERVICE_NAME)'),
      })
      .strict()
      .prefault({}),
    seedFile: z.string().optional().describe('Declarative seed (clients, accounts, resource servers) applied at start (TOLLGATE_SEED_FILE)'),
    upstreams: z
      .array(upstreamSchema)
      .max(20)
      .default([])
      .refine((upstreams) => new Set(upstreams.map((upstream) => upstream.id)).size === upstreams.length, 'upstream ids must be unique')
      .describe('Identity providers people can sign in through (docs/sign-in-through-your-idp.md); the seed file can add more'),
    passwordSignIn: z
      .boolean()
      .default(true)
      .describe('Offer the username/password form on the sign-in page; false leaves only the upstream buttons (TOLLGATE_PASSWORD_SIGN_IN)'),
    bootstrapAdminSecret: z
      .string()
      .min(32)
      .regex(unreservedSecretPattern, unreservedSecretMessage)
      .optional()
      .describe('Creates the admin client "tollgate-admin" with this secret if no admin client exists (TOLLGATE_BOOTSTRAP_ADMIN_SECRET)'),
  })
  .strict();

export type Config = Readonly<
  Omit<z.output<typeof configSchema>, 'issuer' | 'demo' | 'upstreams'> & { issuer: string; demo: boolean; upstreams: readonly UpstreamSettings[] }
>;
