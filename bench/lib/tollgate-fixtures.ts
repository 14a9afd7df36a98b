import { writeFileSync } from 'node:fs';

import { createClientRegistry } from '../../src/clients/client-registry.ts';
import { grantTypes, type ClientRecord } from '../../src/clients/client-record.ts';
import { hashClientSecret } from '../../src/clients/client-secret.ts';
import { newClientRecord } from '../../src/clients/new-client-record.ts';
import { generateSigningKey } from '../../src/keys/signing-keys.ts';
import { createResourceRegistry } from '../../src/resources/resource-registry.ts';
import { createRedisClient } from '../../src/storage/redis-connection.ts';
import { createRedisStorage } from '../../src/storage/redis-storage.ts';

/** What both servers are given, so the only difference between them is the server. */
export const fixtures = {
  clientId: 'bench',
  /** Serves the demo API (device logins' tokens) and exchanges them for the bench API; same secret. */
  gatewayClientId: 'bench-gateway',
  clientSecret: 'bench-secret-7f3c9a1e5b2d4f60a8c7e9b1d3f5a7c9e1b3d5f7a9c1e3',
  secretPepper: 'bench-pepper-0123456789abcdef0123456789abcdef',
  scope: 'bench:read bench:write',
  resources: { ES256: 'urn:bench:es256', RS256: 'urn:bench:rs256' },
  /** tollgate's demo principals (TOLLGATE_DEMO=true) drive the device flow and refresh runs. */
  deviceClientId: 'demo-cli',
  demoPassword: 'bench-demo-password',
  baselineDeviceClientId: 'bench-cli',
  /** The jwt-bearer client: no secret, one federated identity at the bench's workload issuer. */
  workloadClientId: 'bench-workload',
  workloadSubject: 'system:serviceaccount:ci:builder',
} as const;

/** One ES256 and one RS256 private key, written as a JWKS file both servers load. */
export async function writeBenchJwks(path: string): Promise<void> {
  const keys = await Promise.all([generateSigningKey('ES256'), generateSigningKey('RS256')]);
  writeFileSync(path, JSON.stringify({ keys }), { mode: 0o600 });
}

/**
 * Puts the bench client and resource servers into tollgate's Redis through tollgate's own
 * registries, so the secret is stored as tollgate stores every secret: as an HMAC-SHA-256 hash.
 */
export async function seedTollgate(redisUrl: string, keyPrefix = 'tollgate:'): Promise<void> {
  const client = createRedisClient({ url: redisUrl, mode: 'standalone', sentinelName: 'mymaster', nodes: [], keyPrefix, commandTimeoutMs: 2000 });
  await client.connect();
  const storage = createRedisStorage(client, keyPrefix);
  try {
    const now = new Date().toISOString();
    const resources = createResourceRegistry(storage, 0);
    for (const [signingAlg, identifier] of Object.entries(fixtures.resources)) {
      await resources.save({
        identifier,
        name: `Bench API (${signingAlg})`,
        scopes: fixtures.scope.split(' '),
        accessTokenTtl: 600,
        signingAlg: signingAlg as 'ES256' | 'RS256',
        createdAt: now,
        updatedAt: now,
      });
    }
    const clients = createClientRegistry(storage, 0, () => {});
    // Both bench clients share the secret, the bench API's scopes and resources.
    const common: Pick<ClientRecord, 'authMethod' | 'secrets' | 'scopes' | 'resources'> = {
      authMethod: 'client_secret_basic',
      secrets: [{ hash: hashClientSecret(fixtures.clientSecret, fixtures.secretPepper) }],
      scopes: fixtures.scope.split(' '),
      resources: Object.values(fixtures.resources),
    };
    await clients.save(
      newClientRecord(
        {
          ...common,
          clientId: fixtures.clientId,
          name: 'Bench service',
          description: 'Client-credentials client of the benchmark',
          grantTypes: [grantTypes.clientCredentials],
          defaultResource: fixtures.resources.ES256,
          maxPriority: { default: 5, gpu: 2 },
        },
        now,
      ),
    );
    await clients.save(
      newClientRecord(
        {
          ...common,
          clientId: fixtures.gatewayClientId,
          name: 'Bench gateway',
          description: 'Token-exchange client of the benchmark: serves the demo API that device logins get tokens for',
          grantTypes: [grantTypes.tokenExchange],
          serves: ['urn:tollgate:demo'],
          maxPriority: { default: 4 },
        },
        now,
      ),
    );
  } finally {
    await storage.close();
  }
}

/** The jwt-bearer client, trusting `issuer` for its one federated identity, with the bench client's scopes and resources. */
export async function seedWorkloadClient(redisUrl: string, issuer: string, keyPrefix = 'tollgate:'): Promise<void> {
  const client = createRedisClient({ url: redisUrl, mode: 'standalone', sentinelName: 'mymaster', nodes: [], keyPrefix, commandTimeoutMs: 2000 });
  await client.connect();
  const storage = createRedisStorage(client, keyPrefix);
  try {
    await createClientRegistry(storage, 0, () => {}).save(
      newClientRecord(
        {
          clientId: fixtures.workloadClientId,
          name: 'Bench workload',
          description: 'jwt-bearer client of the benchmark',
          grantTypes: [grantTypes.jwtBearer],
          authMethod: 'none',
          secrets: [],
          scopes: fixtures.scope.split(' '),
          resources: Object.values(fixtures.resources),
          defaultResource: fixtures.resources.ES256,
          federatedIdentities: [{ issuer, subject: fixtures.workloadSubject }],
          maxPriority: { default: 5, gpu: 2 },
        },
        new Date().toISOString(),
      ),
    );
  } finally {
    await storage.close();
  }
}

/**
 * The same client and resource servers as a seed file, for tollgate on its in-process store
 * (nothing to write them into before it starts); the secret goes in as the same HMAC hash.
 */
export function writeBenchSeed(path: string): void {
  const seed = {
    resourceServers: Object.entries(fixtures.resources).map(([signingAlg, identifier]) => ({
      identifier,
      name: `Bench API (${signingAlg})`,
      scopes: fixtures.scope.split(' '),
      accessTokenTtl: 600,
      signingAlg,
    })),
    clients: [
      {
        clientId: fixtures.clientId,
        name: 'Bench service',
        description: 'Client-credentials client of the benchmark',
        grantTypes: [grantTypes.clientCredentials],
        authMethod: 'client_secret_basic',
        secretHash: hashClientSecret(fixtures.clientSecret, fixtures.secretPepper),
        scopes: fixtures.scope.split(' '),
        resources: Object.values(fixtures.resources),
        defaultResource: fixtures.resources.ES256,
        maxPriority: { default: 5, gpu: 2 },
      },
    ],
  };
  writeFileSync(path, JSON.stringify(seed), { mode: 0o600 });
}

export function basicAuthorization(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}
