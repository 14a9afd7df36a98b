import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import Provider, { type Configuration } from 'oidc-provider';

import { naiveRedisAdapter } from './naive-redis-adapter.ts';

/**
 * The baseline: a plain oidc-provider with nothing of tollgate in it. Static clients, the
 * provider's default in-memory store, JWT access tokens for the bench resources signed with the
 * same keys tollgate gets. What tollgate is measured against.
 *
 * Environment: BENCH_PORT, BENCH_JWKS_FILE, BENCH_CLIENT_SECRET; with BENCH_MINT_FILE it also
 * mints BENCH_MINT_COUNT refresh tokens through the provider's models and writes them there,
 * one per line, before it starts listening. With BENCH_REDIS_URL it stores on Redis through
 * a naive adapter (bench/naive-redis-adapter.ts) instead: the refresh scenario's reference.
 */
const baselineResources: Record<string, 'ES256' | 'RS256'> = {
  'urn:bench:es256': 'ES256',
  'urn:bench:rs256': 'RS256',
};
const benchScope = 'bench:read bench:write';

const env = process.env;
const port = Number(env.BENCH_PORT);
const issuer = `http://127.0.0.1:${port}`;
const jwks = JSON.parse(readFileSync(env.BENCH_JWKS_FILE as string, 'utf8')) as Configuration['jwks'];

const redis = env.BENCH_REDIS_URL ? new Redis(env.BENCH_REDIS_URL) : undefined;

const configuration: Configuration = {
  ...(redis ? { adapter: naiveRedisAdapter(redis, 'baseline:') } : {}),
  clients: [
    {
      client_id: 'bench',
      client_secret: env.BENCH_CLIENT_SECRET as string,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
    },
    {
      client_id: 'bench-cli',
      grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'none',
    },
  ],
  jwks,
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  findAccount: async (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
  rotateRefreshToken: true,
  ttl: { Grant: 90 * 86400, RefreshToken: 14 * 86400 },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    deviceFlow: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async (_ctx, _client, oneOf) => oneOf ?? 'urn:bench:es256',
      useGrantedResource: async () => true,
      getResourceServerInfo: async (_ctx, resource) => ({
        scope: benchScope,
        audience: resource,
        accessTokenTTL: 600,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: baselineResources[resource] ?? 'ES256' } },
      }),
    },
  },
};

const provider = new Provider(issuer, configuration);

if (env.BENCH_MINT_FILE) {
  const count = Number(env.BENCH_MINT_COUNT ?? 100);
  const client = await provider.Client.find('bench-cli');
  const resource = 'urn:bench:es256';
  const tokens: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const accountId = `bench-user-${index}`;
    const grant = new provider.Grant({ accountId, clientId: 'bench-cli' });
    grant.addResourceScope(resource, benchScope);
    const grantId = await grant.save();
    const refreshToken = new provider.RefreshToken({
      accountId,
      client,
      grantId,
      gty: 'device_code',
      resource,
      rotations: 0,
      scope: benchScope,
    } as ConstructorParameters<typeof provider.RefreshToken>[0]);
    tokens.push(await refreshToken.save());
  }
  writeFileSync(env.BENCH_MINT_FILE, tokens.join('\n') + '\n');
}

const server = createServer(provider.callback());
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
