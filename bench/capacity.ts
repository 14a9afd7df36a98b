import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

import { grantTypes } from '../src/clients/client-record.ts';
import { createAccountStore } from '../src/accounts/account-store.ts';
import { hashPassword } from '../src/accounts/password-hash.ts';
import { createClientRegistry } from '../src/clients/client-registry.ts';
import { hashClientSecret } from '../src/clients/client-secret.ts';
import { newClientRecord } from '../src/clients/new-client-record.ts';
import { createRedisClient } from '../src/storage/redis-connection.ts';
import { createRedisStorage } from '../src/storage/redis-storage.ts';
import type { Storage } from '../src/storage/storage.ts';
import { runDeviceDriver } from './lib/device-runner.ts';
import { describeMachine, loadAverage } from './lib/machine.ts';
import { startBenchRedis } from './lib/redis.ts';
import { newKeysByKind, round, snapshotUsage, usagePerOperation, type KeyKind, type UsageDelta } from './lib/redis-usage.ts';
import { startRedisWireCounter } from './lib/redis-wire-counter.ts';
import { startTollgate } from './lib/servers.ts';
import { basicAuthorization, fixtures, seedTollgate, seedWorkloadClient, writeBenchJwks } from './lib/tollgate-fixtures.ts';

/**
 * `npm run bench:capacity`: what each operation costs Redis and tollgate, measured, for the
 * capacity model in docs/capacity.md. tollgate reaches its redis-server through a TCP relay
 * that counts round trips and bytes; INFO commandstats gives the commands, /proc the CPU time
 * of both processes, SCAN + MEMORY USAGE what each live record holds. Prints markdown tables.
 */
const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    logins: { type: 'string', default: '40' },
    concurrency: { type: 'string', default: '8' },
  },
});
const count = Number(values.count);
const logins = Number(values.logins);
const concurrency = Number(values.concurrency);
const log = (message: string) => process.stdout.write(`${message}\n`);

const tmpDir = mkdtempSync(join(tmpdir(), 'tollgate-capacity-'));
const workloadIssuer = 'https://cluster.bench.invalid';
const stops: Array<() => Promise<void>> = [];

try {
  const jwksFile = join(tmpDir, 'jwks.json');
  await writeBenchJwks(jwksFile);
  const redis = await startBenchRedis();
  stops.push(() => redis.stop());
  const redisPort = Number(new URL(redis.url).port);
  const wire = await startRedisWireCounter(redisPort);
  stops.push(() => wire.close());

  await seedTollgate(redis.url);
  const clientCount = 500;
  const weighing = new Redis(redis.url);
  const memoryBeforeClients = Number(/^used_memory:(\d+)/m.exec(await weighing.info('memory'))?.[1]);
  await seedClients(redis.url, clientCount);
  const clientMemory = (Number(/^used_memory:(\d+)/m.exec(await weighing.info('memory'))?.[1]) - memoryBeforeClients) / clientCount;
  const accountCount = 500;
  const memoryBeforeAccounts = Number(/^used_memory:(\d+)/m.exec(await weighing.info('memory'))?.[1]);
  await seedAccounts(redis.url, accountCount);
  const accountMemory = (Number(/^used_memory:(\d+)/m.exec(await weighing.info('memory'))?.[1]) - memoryBeforeAccounts) / accountCount;
  weighing.disconnect();
  const issuerKeys = await generateKeyPair('ES256');
  await seedWorkloadClient(redis.url, workloadIssuer);
  const configFile = join(tmpDir, 'tollgate.json');
  const publicJwk = { ...(await exportJWK(issuerKeys.publicKey)), kid: 'bench-cluster', alg: 'ES256', use: 'sig' };
  writeFileSync(configFile, JSON.stringify({ federation: { trustedIssuers: [{ issuer: workloadIssuer, jwks: { keys: [publicJwk] } }] } }));

  const tollgate = await startTollgate({ redisUrl: wire.url, jwksFile, env: { TOLLGATE_CONFIG_FILE: configFile } });
  stops.push(() => tollgate.stop());
  const admin = new Redis(redis.url);
  stops.push(async () => void admin.disconnect());
  const pids = { tollgate: tollgate.pid, redis: redis.pid };
  const snapshot = () => snapshotUsage(admin, wire, pids);

  log(`machine: ${Object.values(describeMachine({ redis: redis.version })).join(' | ')}; load ${loadAverage()}`);

  /**
   * One operation measured twice: `count` in turn (the wire's round trips are only the
   * operation's own when nothing overlaps), then `count` over `concurrency` callers for the CPU
   * time, which is what sizing needs.
   */
  async function measure(
    name: string,
    operation: (index: number, caller: number) => Promise<void>,
    options: { count?: number } = {},
  ): Promise<{ name: string; serial: UsageDelta; loaded: UsageDelta }> {
    const n = options.count ?? count;
    for (let index = 0; index < 5; index += 1) await operation(-1 - index, 0);
    let before = await snapshot();
    for (let index = 0; index < n; index += 1) await operation(index, 0);
    const serial = usagePerOperation(before, await snapshot(), n);
    before = await snapshot();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async (_, caller) => {
        while (next < n) await operation(n + next++, caller);
      }),
    );
    const loaded = usagePerOperation(before, await snapshot(), n);
    log(`${name}: ${round(serial.commands)} commands, ${round(serial.roundTrips)} round trips, ${round(loaded.tollgateCpuUs)} µs tollgate CPU`);
    return { name, serial, loaded };
  }

  const endpoints = (await (await fetch(`${tollgate.url}/.well-known/oauth-authorization-server`)).json()) as Record<string, string>;
  const post = async (body: Record<string, string>, authorization?: string, endpoint = endpoints.token_endpoint as string) => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization ? { authorization } : {}) },
      body: new URLSearchParams(body),
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${response.status} ${text.slice(0, 300)}`);
    return text ? (JSON.parse(text) as Record<string, string>) : {};
  };
  const benchAuth = basicAuthorization(fixtures.clientId, fixtures.clientSecret);

  const idleBefore = await snapshot();
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const idle = usagePerOperation(idleBefore, await snapshot(), 3);
  log(`idle: ${round(idle.commands)} commands and ${round(idle.roundTrips)} round trips per second`);

  const rows: Array<{ name: string; serial: UsageDelta; loaded: UsageDelta }> = [];
  rows.push(await measure('client credentials, client cached', async () => void (await post({ grant_type: 'client_credentials' }, benchAuth))));
  // A service taking a token every few minutes finds its client out of the cache: each of these
  // clients is used once (the 5 warm-up calls use negative indexes, mapped past the measured ones).
  const coldClient = (index: number) => basicAuthorization(`capacity-service-${index < 0 ? clientCount + index : index}`, fixtures.clientSecret);
  rows.push(
    await measure('client credentials, first token of a client', async (index) => void (await post({ grant_type: 'client_credentials' }, coldClient(index))), {
      count: Math.floor((clientCount - 5) / 2),
    }),
  );

  const assertion = () =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'bench-cluster' })
      .setIssuer(workloadIssuer)
      .setSubject(fixtures.workloadSubject)
      .setAudience(tollgate.url)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(issuerKeys.privateKey);
  rows.push(
    await measure(
      'jwt-bearer',
      async () => void (await post({ grant_type: grantTypes.jwtBearer, client_id: fixtures.workloadClientId, assertion: await assertion() })),
    ),
  );

  // Device logins: the driver is a process of its own, like the people it stands for.
  const tokensFile = join(tmpDir, 'refresh-tokens.txt');
  let before = await snapshot();
  const serialLogins = await runDeviceDriver(tollgate.url, { concurrency: 1, count: Math.max(4, Math.floor(logins / 3)) });
  if (serialLogins.failures > 0) throw new Error(`device logins failed: ${serialLogins.firstFailure}`);
  const loginSerial = usagePerOperation(before, await snapshot(), serialLogins.completions);
  const keysAfterSerial = (await newKeysByKind(admin, new Set())).keys;
  before = await snapshot();
  const loadedLogins = await runDeviceDriver(tollgate.url, { concurrency, count: logins, tokensFile });
  if (loadedLogins.failures > 0) throw new Error(`device logins failed: ${loadedLogins.firstFailure}`);
  const loginLoaded = usagePerOperation(before, await snapshot(), loadedLogins.completions);
  rows.push({ name: 'device login, start to tokens', serial: loginSerial, loaded: loginLoaded });
  log(`device login: ${round(loginSerial.commands)} commands, ${round(loginSerial.roundTrips)} round trips`);
  const loginKeys = await newKeysByKind(admin, keysAfterSerial);

  const refreshTokens = readFileSync(tokensFile, 'utf8').trim().split('\n');
  // Each caller refreshes along a login of its own; the chain's newest token is the next to use.
  const chains = refreshTokens.slice(0, concurrency);
  const keysBeforeRefreshes = (await newKeysByKind(admin, new Set())).keys;
  rows.push(
    await measure('refresh (rotation)', async (_, chain) => {
      const answer = await post({ grant_type: grantTypes.refreshToken, client_id: fixtures.deviceClientId, refresh_token: chains[chain] as string });
      chains[chain] = answer.refresh_token as string;
    }),
  );
  // What the refreshes left, by key: measure() made 5 + 2 × count of them.
  const refreshes = 5 + 2 * count;
  const refreshKeys = await newKeysByKind(admin, keysBeforeRefreshes);
  const refreshedChains = await refreshedChainSizes(admin);

  const person = await post({ grant_type: grantTypes.refreshToken, client_id: fixtures.deviceClientId, refresh_token: chains[0] as string });
  chains[0] = person.refresh_token as string;
  const gatewayAuth = basicAuthorization(fixtures.gatewayClientId, fixtures.clientSecret);
  rows.push(
    await measure('token exchange', async () => {
      await post(
        {
          grant_type: grantTypes.tokenExchange,
          subject_token: person.access_token as string,
          subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
          resource: fixtures.resources.ES256,
        },
        gatewayAuth,
      );
    }),
  );

  const serviceToken = (await post({ grant_type: 'client_credentials' }, benchAuth)).access_token as string;
  rows.push(
    await measure(
      'introspection (JWT access token)',
      async () => void (await post({ token: serviceToken, token_type_hint: 'access_token' }, benchAuth, endpoints.introspection_endpoint)),
    ),
  );

  // Revocation ends logins, so it gets the tokens no chain uses, each revoked once.
  const spare = refreshTokens.slice(concurrency);
  if (spare.length > 0) {
    // Too few to load concurrently (each needs a login of its own): CPU from the same pass.
    before = await snapshot();
    for (const token of spare)
      await post({ token, token_type_hint: 'refresh_token', client_id: fixtures.deviceClientId }, undefined, endpoints.revocation_endpoint);
    const serial = usagePerOperation(before, await snapshot(), spare.length);
    rows.push({ name: 'revocation (refresh token)', serial, loaded: serial });
  }

  // Memory held per record: pending device codes and clients, counted the same way.
  const keysBeforeCodes = (await newKeysByKind(admin, new Set())).keys;
  const memoryBeforeCodes = (await snapshot()).usedMemory;
  const codes = 200;
  for (let index = 0; index < codes; index += 1) {
    await fetch(`${tollgate.url}/device/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: fixtures.deviceClientId }),
    });
  }
  const codeMemory = ((await snapshot()).usedMemory - memoryBeforeCodes) / codes;
  const codeKeys = await newKeysByKind(admin, keysBeforeCodes);

  log('\n### Per operation (measured)\n');
  log(
    `${count} of each in turn for the Redis columns, then ${count} over ${concurrency} concurrent callers for the CPU columns; device logins: ${serialLogins.completions} in turn, ${loadedLogins.completions} over ${concurrency}. Idle tollgate: ${round(idle.commands)} Redis commands/s.\n`,
  );
  log(
    '| operation | Redis commands | round trips | bytes to Redis | bytes from Redis | Redis memory added, B | tollgate CPU µs | × client credentials | Redis CPU µs | commands |',
  );
  log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  const reference = rows[0]?.loaded.tollgateCpuUs ?? 1;
  for (const { name, serial, loaded } of rows) {
    log(
      `| ${name} | ${round(serial.commands)} | ${round(serial.roundTrips)} | ${round(serial.bytesToRedis)} | ${round(serial.bytesFromRedis)} | ${round(serial.memoryBytes)} | ${round(loaded.tollgateCpuUs)} | ${round(loaded.tollgateCpuUs / reference)} | ${round(loaded.redisCpuUs)} | ${serial.commandMix} |`,
    );
  }
  log('\n### Redis memory held per record (measured)\n');
  log('| record | bytes (used_memory delta) | keys (MEMORY USAGE, TTL) |');
  log('| --- | ---: | --- |');
  log(
    `| live login (after a device login: refresh token, grant, session, retained device code) | ${round(sum(loginKeys.kinds) / loadedLogins.completions)} | ${describeKinds(loginKeys.kinds, loadedLogins.completions)} |`,
  );
  log(
    `| each refresh (keys it added, over ${refreshes} refreshes along ${concurrency} logins) | ${round(sum(refreshKeys.kinds) / refreshes)} | ${describeKinds(refreshKeys.kinds, refreshes)} |`,
  );
  if (refreshedChains.length > 0)
    log(
      `| a login's refresh chain once refreshed (current token and its predecessor) | ${round(sum(refreshedChains) / refreshedChains.length)} | MEMORY USAGE of the ${refreshedChains.length} \`refresh-chain:{*}\` the refreshes went through |`,
    );
  log(`| pending device code | ${round(codeMemory)} | ${describeKinds(codeKeys.kinds, codes)} |`);
  log(`| client (record in the clients hash) | ${round(clientMemory)} | one field of \`tollgate:clients\` |`);
  log(
    `| account (record and username index, one linked upstream identity) | ${round(accountMemory)} | one field each of \`tollgate:accounts\`, \`tollgate:account-usernames\` and \`tollgate:account-identities\` |`,
  );
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => {});
  rmSync(tmpDir, { recursive: true, force: true });
}

function sum(values: Array<KeyKind | number>): number {
  return values.reduce<number>((total, value) => total + (typeof value === 'number' ? value : value.bytes), 0);
}

/** MEMORY USAGE of each refresh chain that holds a used predecessor: the size of a refreshed login's tokens. */
async function refreshedChainSizes(admin: Redis): Promise<number[]> {
  const sizes: number[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await admin.scan(cursor, 'MATCH', '*refresh-chain:*', 'COUNT', 1000);
    cursor = next;
    for (const key of batch) if ((await admin.hexists(key, 'prev')) === 1) sizes.push(Number(await admin.memory('USAGE', key, 'SAMPLES', '0')));
  } while (cursor !== '0');
  return sizes;
}

function describeKinds(kinds: KeyKind[], per: number): string {
  return kinds
    .map(
      (kind) =>
        `\`${kind.kind}\` ×${round(kind.keys / per)}: ${round(kind.bytes / kind.keys)} B, TTL ${kind.ttl[0] === kind.ttl[1] ? kind.ttl[0] : `${kind.ttl[0]}–${kind.ttl[1]}`} s`,
    )
    .join('; ');
}

async function withStorage(redisUrl: string, use: (storage: Storage) => Promise<void>): Promise<void> {
  const client = createRedisClient({ url: redisUrl, mode: 'standalone', sentinelName: 'mymaster', nodes: [], keyPrefix: 'tollgate:', commandTimeoutMs: 2000 });
  await client.connect();
  const storage = createRedisStorage(client, 'tollgate:');
  try {
    await use(storage);
  } finally {
    await storage.close();
  }
}

function withRegistry(redisUrl: string, use: (clients: ReturnType<typeof createClientRegistry>) => Promise<void>): Promise<void> {
  return withStorage(redisUrl, (storage) => use(createClientRegistry(storage, 0, () => {})));
}

/** People as an upstream sign-in leaves them: a record with a display name, email and one linked identity. */
async function seedAccounts(redisUrl: string, n: number): Promise<void> {
  await withStorage(redisUrl, async (storage) => {
    const accounts = createAccountStore(storage);
    const now = new Date().toISOString();
    const passwordHash = await hashPassword('capacity-password');
    for (let index = 0; index < n; index += 1) {
      const username = `person-${index}`;
      await accounts.create({
        id: `acct-${String(index).padStart(8, '0')}-capacity`,
        username,
        passwordHash,
        name: `Person ${index}`,
        email: `${username}@example.test`,
        maxPriority: { default: 3 },
        identities: [
          {
            upstream: 'corp',
            subject: `00u${String(index).padStart(17, '0')}`,
            username,
            email: `${username}@example.test`,
            groups: ['staff', 'lab-users'],
            linkedAt: now,
            checkedAt: now,
          },
        ],
        disabled: false,
        createdAt: now,
        updatedAt: now,
      });
    }
  });
}

/** A secretless client whose jwt-bearer assertions come from the bench's cluster issuer. */
/** Clients shaped like the bench's own service client, to weigh one in Redis. */
async function seedClients(redisUrl: string, n: number): Promise<void> {
  await withRegistry(redisUrl, async (clients) => {
    const now = new Date().toISOString();
    for (let index = 0; index < n; index += 1) {
      await clients.save(
        newClientRecord(
          {
            clientId: `capacity-service-${index}`,
            name: `Service ${index}`,
            description: 'A service taking client-credentials tokens',
            grantTypes: [grantTypes.clientCredentials],
            authMethod: 'client_secret_basic',
            secrets: [{ hash: hashClientSecret(fixtures.clientSecret, fixtures.secretPepper) }],
            scopes: fixtures.scope.split(' '),
            resources: [fixtures.resources.ES256],
            defaultResource: fixtures.resources.ES256,
            maxPriority: { default: 5, gpu: 2 },
          },
          now,
        ),
      );
    }
  });
}
