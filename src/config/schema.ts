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
    issuer: z
      .url()
      .optional()
      .describe('Public issuer URL; defaults to http://localhost:<port> (TOLLGATE_ISSUER)'),
    trustProxy: z
      .boolean()
      .default(false)
      .describe('Trust X-Forwarded-* headers from a TLS-terminating proxy (TOLLGATE_TRUST_PROXY)'),
    logLevel: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info')
      .describe('pino log level (TOLLGATE_LOG_LEVEL)'),
    logFormat: z
      .enum(['auto', 'json', 'pretty'])
      .default('auto')
      .describe('json: one JSON object per line; pretty: human-readable lines; auto: pretty when stdout is a terminal (TOLLGATE_LOG_FORMAT)'),
    workers: z
      .number()
      .int()
      .min(1)
      .max(256)
      .default(1)
      .describe('Processes to run; more than 1 needs Redis (TOLLGATE_WORKERS)'),
    redis: z
      .object({
        url: z
          .string()
          .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
          .optional()
          .describe('Redis URL; unset means the in-process store that keeps nothing (REDIS_URL)'),
        mode: z
          .enum(['standalone', 'sentinel', 'cluster'])
          .default('standalone')
          .describe('How to reach Redis (TOLLGATE_REDIS_MODE)'),
        sentinelName: z
          .string()
          .default('mymaster')
          .describe('Sentinel master group name (TOLLGATE_REDIS_SENTINEL_NAME)'),
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
    demo: z
      .boolean()
      .optional()
      .describe('Create the demo client, device client and account; default: true only without Redis (TOLLGATE_DEMO)'),
    demoSecret: z
      .string()
      .min(16)
      .regex(unreservedSecretPattern, unreservedSecretMessage)
      .optional()
      .describe('Fixed secret of the demo client; random when unset (TOLLGATE_DEMO_SECRET)'),
    demoPassword: z
      .string()
      .min(8)
      .optional()
      .describe('Fixed password of the demo account; random when unset (TOLLGATE_DEMO_PASSWORD)'),
    keys: z
      .object({
        jwksFile: z
          .string()
          .optional()
          .describe('Path of a private JWKS file with the signing keys (TOLLGATE_JWKS_FILE)'),
        jwks: z
          .string()
          .optional()
          .describe('The private JWKS as JSON text, for secret stores that inject variables (TOLLGATE_JWKS)'),
      })
      .strict()
      .prefault({}),
    cookieKeys: z
      .array(z.string().min(32))
      .default([])
      .describe('Keys signing the device-login cookies, newest first; random per process when empty (TOLLGATE_COOKIE_KEYS, comma-separated)'),
    secretPepper: z
      .string()
      .min(32)
      .optional()
      .describe('Server-side pepper for client-secret hashes (HMAC-SHA-256); plain SHA-256 when unset (TOLLGATE_SECRET_PEPPER)'),
    ttl: z
      .object({
        accessToken: z.number().int().positive().default(600).describe('Default access-token lifetime, seconds; a resource server may set its own'),
        deviceCode: z.number().int().positive().default(600).describe('Device code lifetime, seconds (TOLLGATE_DEVICE_CODE_TTL)'),
        devicePollInterval: z.number().int().positive().default(5).describe('Minimum polling interval told to device clients, seconds'),
        refreshToken: z.number().int().positive().default(14 * 86400).describe('Refresh-token idle lifetime, seconds; each rotation starts it again (TOLLGATE_REFRESH_TOKEN_TTL)'),
        refreshTokenAbsolute: z.number().int().positive().default(90 * 86400).describe('Absolute cap from the first login, seconds; no rotation extends past it (TOLLGATE_REFRESH_TOKEN_ABSOLUTE_TTL)'),
        refreshTokenReuseInterval: z
          .number()
          .int()
          .min(0)
          .max(300)
          .default(10)
          .describe(
            'How long after a refresh token was first used it may be presented again while its successor is still unused (the answer with the successor was lost: a Redis outage, a dropped connection), seconds; the retry replaces that successor. Later, or once the successor was used, it is reuse and revokes the grant. 0 turns retries off (TOLLGATE_REFRESH_TOKEN_REUSE_INTERVAL)',
          ),
        interaction: z.number().int().positive().default(900).describe('How long a person has to finish the sign-in pages, seconds'),
      })
      .strict()
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
    tracing: z
      .object({
        endpoint: z
          .url()
          .optional()
          .describe('OTLP/HTTP collector base URL; traces go to <endpoint>/v1/traces. Unset: tracing is off and nothing of OpenTelemetry loads (OTEL_EXPORTER_OTLP_ENDPOINT)'),
        tracesEndpoint: z
          .url()
          .optional()
          .describe('Full OTLP/HTTP traces URL, used as is; wins over endpoint (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)'),
        serviceName: z.string().min(1).default('tollgate').describe('service.name of the exported spans (OTEL_SERVICE_NAME)'),
      })
      .strict()
      .prefault({}),
    seedFile: z
      .string()
      .optional()
      .describe('Declarative seed (clients, accounts, resource servers) applied at start (TOLLGATE_SEED_FILE)'),
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

export type ConfigInput = z.input<typeof configSchema>;
export type Config = Readonly<
  Omit<z.output<typeof configSchema>, 'issuer' | 'demo' | 'upstreams'> & { issuer: string; demo: boolean; upstreams: readonly UpstreamSettings[] }
>;
