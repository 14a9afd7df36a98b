import test, { type ExecutionContext } from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';

import { AppError } from '../../src/errors.ts';
import { generateSigningKey } from '../../src/keys/signing-keys.ts';
import type { RunningServer } from '../../src/server.ts';
import { startRedis, type TestRedis } from '../helpers/start-redis.ts';
import { basicAuth, postForm, startTestServer } from '../helpers/start-server.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { startTestIssuer } from '../helpers/test-issuer.ts';

let redis: TestRedis;
const directory = mkdtempSync(join(tmpdir(), 'tollgate-seed-'));

test.before(async () => {
  redis = await startRedis();
});

test.after.always(async () => {
  await redis?.stop();
});

// The values the README's example seed refers to (example-only, like the file says).
const exampleEnv = {
  BOOT_SCRIPT_CLIENT_SECRET: 'boot-script-secret-from-the-environment-0123',
  ADA_PASSWORD: 'ada password from env',
};
const exampleSeed = join(process.cwd(), 'config/seed.example.json');

function seedFile(name: string, seed: unknown): string {
  const file = join(directory, `${name}.json`);
  writeFileSync(file, typeof seed === 'string' ? seed : JSON.stringify(seed));
  return file;
}

async function withServer<T>(env: Record<string, string>, run: (server: RunningServer) => Promise<T>, store: 'redis' | 'memory' = 'redis'): Promise<T> {
  const server = await startTestServer({ ...(store === 'redis' ? { redisUrl: redis.url } : {}), env: { TOLLGATE_DEMO: 'false', ...env } });
  try {
    return await run(server);
  } finally {
    await server.stop();
  }
}

async function snapshot(server: RunningServer) {
  const { clients, accounts, resources } = server.tollgate;
  return {
    clients: await Promise.all(['boot-script', 'nightly-runner', 'testflinger-cli'].map((id) => clients.get(id))),
    accounts: await Promise.all(['ada', '0b7d5f0e-6c1a-4d8e-9a52-2f1c1e9e7a10'].map((id) => accounts.get(id))),
    resources: await Promise.all(['https://inventory.example.com', 'https://testflinger.example.com'].map((id) => resources.get(id))),
  };
}

test.serial('the example seed creates every principal, and its secrets and passwords work', async (t) => {
  await withServer({ ...exampleEnv, TOLLGATE_SEED_FILE: exampleSeed, TOLLGATE_REDIS_PREFIX: 'example:' }, async (server) => {
    const boot = await postForm(
      `${server.url}/token`,
      { grant_type: 'client_credentials' },
      { authorization: basicAuth('boot-script', exampleEnv.BOOT_SCRIPT_CLIENT_SECRET) },
    );
    t.is(boot.status, 200);
    const claims = decodeJwt(boot.body.access_token as string);
    t.is(claims.aud, 'https://inventory.example.com');
    t.deepEqual(claims.max_priority, { provisioning: 10 });
    t.is(decodeJwt(boot.body.access_token as string).exp! - claims.iat!, 300);

    const nightly = await postForm(`${server.url}/token`, {
      grant_type: 'client_credentials',
      client_id: 'nightly-runner',
      client_secret: 'example-only-nightly-runner-secret-do-not-use',
    });
    t.is(nightly.status, 200);
    t.truthy(await server.tollgate.accounts.authenticate('ada', exampleEnv.ADA_PASSWORD));
    t.truthy(await server.tollgate.accounts.authenticate('grace', 'example-only-grace-password'));
    t.is((await server.tollgate.clients.get('testflinger-cli'))?.authMethod, 'none');
  });
});

test.serial('the seed applied twice changes nothing the second time, updatedAt included', async (t) => {
  const env = { ...exampleEnv, TOLLGATE_SEED_FILE: exampleSeed, TOLLGATE_REDIS_PREFIX: 'twice:' };
  const first = await withServer(env, snapshot);
  t.true(first.clients.every(Boolean) && first.accounts.every(Boolean) && first.resources.every(Boolean));
  await new Promise((resolve) => setTimeout(resolve, 20));
  const second = await withServer(env, snapshot);
  t.deepEqual(second, first);
});

test.serial('a changed seed entry is updated, keeping createdAt', async (t) => {
  const seed = {
    resourceServers: [{ identifier: 'urn:example:api', scopes: ['read'] }],
    clients: [{ clientId: 'svc', secretEnv: 'SVC_SECRET', resources: ['urn:example:api'], scopes: ['read'], maxPriority: { q: 1 } }],
  };
  const env = { SVC_SECRET: 'svc-secret-long-enough-for-a-fast-hash-0123', TOLLGATE_REDIS_PREFIX: 'changed:' };
  const before = await withServer({ ...env, TOLLGATE_SEED_FILE: seedFile('v1', seed) }, (server) => server.tollgate.clients.get('svc'));
  await new Promise((resolve) => setTimeout(resolve, 20));
  const changed = { ...seed, clients: [{ ...seed.clients[0], maxPriority: { q: 2 } }] };
  const after = await withServer({ ...env, TOLLGATE_SEED_FILE: seedFile('v2', changed) }, (server) => server.tollgate.clients.get('svc'));
  t.deepEqual(after?.maxPriority, { q: 2 });
  t.is(after?.createdAt, before?.createdAt);
  t.not(after?.updatedAt, before?.updatedAt);
});

test.serial('a seeded gateway serves one API and exchanges its tokens for another', async (t) => {
  const seed = {
    resourceServers: [{ identifier: 'urn:example:a' }, { identifier: 'urn:example:b', scopes: ['read'] }],
    clients: [
      {
        clientId: 'gateway',
        secretEnv: 'GATEWAY_SECRET',
        grantTypes: ['token-exchange'],
        serves: ['urn:example:a'],
        resources: ['urn:example:b'],
        scopes: ['read'],
      },
    ],
  };
  const env = { GATEWAY_SECRET: 'gateway-secret-long-enough-for-a-fast-hash-0', TOLLGATE_REDIS_PREFIX: 'gateway:' };
  const stored = await withServer({ ...env, TOLLGATE_SEED_FILE: seedFile('gateway', seed) }, (server) => server.tollgate.clients.get('gateway'));
  t.deepEqual(stored?.serves, ['urn:example:a']);
  t.deepEqual(stored?.grantTypes, ['urn:ietf:params:oauth:grant-type:token-exchange']);
});

test.serial('a secret changed in the environment replaces the stored hash', async (t) => {
  const seed = { clients: [{ clientId: 'env-svc', secretEnv: 'ENV_SVC_SECRET' }] };
  const file = seedFile('env', seed);
  const base = { TOLLGATE_SEED_FILE: file, TOLLGATE_REDIS_PREFIX: 'env:' };
  const first = await withServer({ ...base, ENV_SVC_SECRET: 'first-secret-long-enough-for-a-fast-hash-01' }, (server) =>
    server.tollgate.clients.get('env-svc'),
  );
  const second = await withServer({ ...base, ENV_SVC_SECRET: 'second-secret-long-enough-for-a-fast-hash-0' }, (server) =>
    server.tollgate.clients.get('env-svc'),
  );
  t.not(second?.secrets[0]?.hash, first?.secrets[0]?.hash);
});

async function seedError(t: ExecutionContext, seed: unknown, env: Record<string, string> = {}, store: 'redis' | 'memory' = 'memory') {
  const error = await t.throwsAsync(
    withServer({ TOLLGATE_SEED_FILE: seedFile(`bad-${Math.random()}`, seed), ...env }, async () => undefined, store),
    { instanceOf: AppError },
  );
  t.is((error as AppError).code, 'invalid_seed');
  return (error as AppError).message;
}

test('a plaintext secret stops a start on Redis, naming the field', async (t) => {
  const message = await seedError(t, { clients: [{ clientId: 'plain', secret: 'plaintext-secret-that-is-long-enough-0123' }] }, {}, 'redis');
  t.regex(message, /clients\.0\.secret: plaintext secrets are for development only/);
});

test('a plaintext password stops a start on Redis, naming the field', async (t) => {
  const message = await seedError(t, { accounts: [{ username: 'plain', password: 'plaintext password' }] }, {}, 'redis');
  t.regex(message, /accounts\.0\.password:/);
});

test('plaintext secrets are accepted on the in-process (development) store', async (t) => {
  const seed = { clients: [{ clientId: 'dev', secret: 'plaintext-secret-that-is-long-enough-0123', resources: ['urn:tollgate:admin'], scopes: ['admin'] }] };
  await withServer(
    { TOLLGATE_SEED_FILE: seedFile('dev', seed) },
    async (server) => {
      const issued = await postForm(
        `${server.url}/token`,
        { grant_type: 'client_credentials', resource: 'urn:tollgate:admin' },
        { authorization: basicAuth('dev', 'plaintext-secret-that-is-long-enough-0123') },
      );
      t.is(issued.status, 200);
    },
    'memory',
  );
});

const badSeeds: Array<[string, unknown, RegExp]> = [
  [
    'a secret outside the unreserved characters',
    { clients: [{ clientId: 'a', secretEnv: 'PLUS_SECRET' }] },
    /clients\.0\.secretEnv: PLUS_SECRET may contain only letters, digits and - \. _ ~ \(RFC 3986 unreserved\): Basic authentication form-encodes secrets \(RFC 6749 §2\.3\.1\)/,
  ],
  [
    'a plaintext secret outside the unreserved characters',
    { clients: [{ clientId: 'a', secret: 'c2VjcmV0K2Zyb20vb3BlbnNzbC1iYXNlNjQ+PT0=' }] },
    /clients\.0\.secret: may contain only letters/,
  ],
  [
    'a device code lifetime on a client without the device grant',
    { clients: [{ clientId: 'a', secretHash: 'sha256:WF695mfGySEMS_wn5ngbdiYLJ98P7k6FiO3sa8z12HA', deviceCodeTtl: 120 }] },
    /clients\.0\.deviceCodeTtl: only device_code clients have device codes/,
  ],
  [
    'a device code lifetime out of range',
    { clients: [{ clientId: 'a', authMethod: 'none', grantTypes: ['urn:ietf:params:oauth:grant-type:device_code'], deviceCodeTtl: 5 }] },
    /clients\.0\.deviceCodeTtl/,
  ],
  [
    'a missing environment variable',
    { clients: [{ clientId: 'a', secretEnv: 'NOT_SET_ANYWHERE' }] },
    /clients\.0\.secretEnv: environment variable NOT_SET_ANYWHERE is not set/,
  ],
  ['an unknown field', { clients: [{ clientId: 'a', secretEnv: 'X', colour: 'red' }] }, /clients\.0\.colour: unknown field/],
  ['a malformed hash', { clients: [{ clientId: 'a', secretHash: 'md5:abc' }] }, /clients\.0\.secretHash/],
  ['a client without a secret', { clients: [{ clientId: 'a' }] }, /clients\.0\.secretEnv: a client_secret_\* client needs exactly one/],
  [
    'a public client with a secret',
    { clients: [{ clientId: 'a', authMethod: 'none', grantTypes: ['urn:ietf:params:oauth:grant-type:device_code'], secretEnv: 'X' }] },
    /clients\.0\.authMethod/,
  ],
  [
    'a resource the seed does not define',
    { clients: [{ clientId: 'a', secretHash: 'sha256:WF695mfGySEMS_wn5ngbdiYLJ98P7k6FiO3sa8z12HA', resources: ['urn:x'] }] },
    /clients\.0\.resources\.0/,
  ],
  [
    'a gateway without serves',
    { clients: [{ clientId: 'a', secretHash: 'sha256:WF695mfGySEMS_wn5ngbdiYLJ98P7k6FiO3sa8z12HA', grantTypes: ['token-exchange'] }] },
    /clients\.0\.serves: the token-exchange grant needs/,
  ],
  [
    'a bad max_priority',
    {
      accounts: [
        { username: 'a', passwordHash: 'scrypt$32768$8$1$uRDUA2UcRFHXtsjAoXPh7g$VbnS7B52H8aLw0KStO1V_IunlvIMTqp34shD0uEPy6g', maxPriority: { q: -1 } },
      ],
    },
    /accounts\.0\.maxPriority\.q/,
  ],
  ['an algorithm without a key', { resourceServers: [{ identifier: 'urn:x', signingAlg: 'RS256' }] }, /resourceServers\.0\.signingAlg/],
  ['the built-in admin resource', { resourceServers: [{ identifier: 'urn:tollgate:admin' }] }, /resourceServers\.0\.identifier/],
  ['not JSON at all', 'not json', /not valid JSON/],
  [
    'a federated identity at an untrusted issuer',
    {
      clients: [
        { clientId: 'a', authMethod: 'none', grantTypes: ['jwt-bearer'], federatedIdentities: [{ issuer: 'https://untrusted.example', subject: 's' }] },
      ],
    },
    /clients\.0\.federatedIdentities\.0\.issuer: https:\/\/untrusted\.example is not a trusted issuer/,
  ],
  [
    'the jwt-bearer grant without a federated identity',
    { clients: [{ clientId: 'a', authMethod: 'none', grantTypes: ['jwt-bearer'] }] },
    /clients\.0\.federatedIdentities: the jwt-bearer grant needs/,
  ],
  [
    'a trusted issuer with private keys',
    { trustedIssuers: [{ issuer: 'https://k8s.example', jwks: { keys: [{ kty: 'EC', d: 'x' }] } }] },
    /trustedIssuers\.0\.jwks: must hold public keys only/,
  ],
  [
    'a username that cannot be an id',
    { accounts: [{ username: 'we{ird}', passwordHash: 'scrypt$32768$8$1$uRDUA2UcRFHXtsjAoXPh7g$VbnS7B52H8aLw0KStO1V_IunlvIMTqp34shD0uEPy6g' }] },
    /accounts\.0\.id/,
  ],
];

for (const [what, seed, pattern] of badSeeds) {
  test(`a seed with ${what} stops start-up with a message naming it`, async (t) => {
    // Only an ES256 key, so RS256 has none.
    const jwks = JSON.stringify({ keys: [await generateSigningKey('ES256')] });
    const message = await seedError(t, seed, { TOLLGATE_JWKS: jwks, PLUS_SECRET: 'Zm9vYmFy+YmF6/cXV4cXV1eHF1dXhxdXV4cXV1eA==' });
    t.regex(message, pattern);
  });
}

test.serial('a seed refused for one entry writes nothing: a previously seeded client secret stays intact', async (t) => {
  const base = { TOLLGATE_REDIS_PREFIX: 'transactional:', KEEP_SECRET: 'kept-secret-long-enough-for-a-fast-hash-0123' };
  const good = seedFile('transactional-good', { clients: [{ clientId: 'kept', secretEnv: 'KEEP_SECRET' }] });
  const before = await withServer({ ...base, TOLLGATE_SEED_FILE: good }, (server) => server.tollgate.clients.get('kept'));
  t.truthy(before);

  // The first client would replace the secret; the last entry is refused.
  const bad = seedFile('transactional-bad', {
    resourceServers: [{ identifier: 'https://new-api.example.com', scopes: ['read'] }],
    clients: [{ clientId: 'kept', secretEnv: 'NEW_SECRET' }],
    accounts: [{ username: 'new-person', passwordEnv: 'NOT_SET_ANYWHERE' }],
  });
  const error = await t.throwsAsync(
    withServer({ ...base, TOLLGATE_SEED_FILE: bad, NEW_SECRET: 'replaced-secret-long-enough-for-a-fast-hash' }, async () => undefined),
    { instanceOf: AppError },
  );
  t.regex(error?.message ?? '', /accounts\.0\.passwordEnv/);

  await withServer({ TOLLGATE_REDIS_PREFIX: 'transactional:' }, async (server) => {
    t.deepEqual(await server.tollgate.clients.get('kept'), before);
    t.is(await server.tollgate.resources.get('https://new-api.example.com'), undefined);
    t.is(await server.tollgate.accounts.get('new-person'), undefined);
  });
});

test('a seeded client keeps its deviceCodeTtl', async (t) => {
  const seed = { clients: [{ clientId: 'slow-cli', authMethod: 'none', grantTypes: ['urn:ietf:params:oauth:grant-type:device_code'], deviceCodeTtl: 900 }] };
  const record = await withServer({ TOLLGATE_SEED_FILE: seedFile('ttl', seed) }, (server) => server.tollgate.clients.get('slow-cli'), 'memory');
  t.is(record?.deviceCodeTtl, 900);
});

test("a seed whose account takes another account's username is refused before anything is written", async (t) => {
  const message = await seedError(t, {
    clients: [{ clientId: 'first', secret: 'plaintext-secret-that-is-long-enough-0123' }],
    accounts: [
      { username: 'ada', password: 'ada password 1' },
      { id: 'other', username: 'ADA', password: 'ada password 2' },
    ],
  });
  t.regex(message, /accounts\.1: another entry has the same id or username/);
});

test('a seed whose account claims an identity linked to another account is refused before anything is written', async (t) => {
  // An upstream of the seed's own: a GitHub type needs no discovery at start.
  const upstreams = [
    { id: 'ghe', name: 'GitHub Enterprise', type: 'github', baseUrl: 'http://127.0.0.1:9', clientId: 'tollgate', clientSecretEnv: 'GHE_SECRET' },
  ];
  const env = { GHE_SECRET: 'ghe-client-secret' };
  await withServer(
    {
      TOLLGATE_SEED_FILE: seedFile('identity-holder', {
        upstreams,
        accounts: [{ id: 'holder', username: 'holder', identities: [{ upstream: 'ghe', subject: '7' }] }],
      }),
      ...env,
    },
    async () => undefined,
  );

  const taken = await seedError(
    t,
    {
      upstreams,
      clients: [
        { clientId: 'not-written', secretHash: 'sha256:WF695mfGySEMS_wn5ngbdiYLJ98P7k6FiO3sa8z12HA', resources: ['urn:tollgate:admin'], scopes: ['admin'] },
      ],
      accounts: [{ id: 'taker', username: 'taker', identities: [{ upstream: 'ghe', subject: '7' }] }],
    },
    env,
    'redis',
  );
  t.regex(taken, /accounts\.0\.identities\.0: 7 at ghe is linked to another account/);
  const twice = await seedError(
    t,
    {
      upstreams,
      accounts: [
        { id: 'a', username: 'a', identities: [{ upstream: 'ghe', subject: '8' }] },
        { id: 'b', username: 'b', identities: [{ upstream: 'ghe', subject: '8' }] },
      ],
    },
    env,
    'redis',
  );
  t.regex(twice, /accounts\.1\.identities\.0: 8 at ghe is listed twice/);
  await withServer(env, async (server) => {
    t.is(await server.tollgate.clients.get('not-written'), undefined, 'the refused seed wrote nothing');
    t.is(await server.tollgate.accounts.get('taker'), undefined);
  });
});

test('a seeded trusted issuer and federated client: the platform token gets the client its token', async (t) => {
  const cluster = await startTestIssuer();
  t.teardown(() => cluster.stop());
  const seed = {
    trustedIssuers: [{ issuer: cluster.issuer, jwks: cluster.publicJwks() }],
    clients: [
      {
        clientId: 'seeded-workload',
        grantTypes: ['jwt-bearer'],
        authMethod: 'none',
        federatedIdentities: [
          { issuer: cluster.issuer, subject: 'system:serviceaccount:ops:backup', audience: 'tollgate', conditions: { 'kubernetes.io.namespace': 'ops' } },
        ],
        resources: ['urn:tollgate:admin'],
        scopes: ['admin'],
      },
    ],
  };
  await withServer(
    { TOLLGATE_SEED_FILE: seedFile('federated', seed) },
    async (server) => {
      const assertion = await cluster.kubernetesToken('ops', 'backup', 'tollgate');
      const issued = await postForm(`${server.url}/token`, {
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        client_id: 'seeded-workload',
        assertion,
        resource: 'urn:tollgate:admin',
      });
      t.is(issued.status, 200, JSON.stringify(issued.body));
      t.is(decodeJwt(issued.body.access_token as string).sub, 'seeded-workload');
      t.deepEqual(
        server.tollgate.trustedIssuers.list().map(({ issuer, keys, origin }) => ({ issuer, keys, origin })),
        [{ issuer: cluster.issuer, keys: 'static', origin: 'seed' }],
      );
    },
    'memory',
  );
});

test('a seed giving two clients one federated identity is refused naming the field; so is one clashing with a stored client', async (t) => {
  const cluster = await startTestIssuer();
  t.teardown(() => cluster.stop());
  const identity = { issuer: cluster.issuer, subject: 'system:serviceaccount:ops:backup' };
  const workload = (clientId: string, federatedIdentities: object[]) => ({
    clientId,
    grantTypes: ['jwt-bearer'],
    authMethod: 'none',
    federatedIdentities,
    resources: ['urn:tollgate:admin'],
    scopes: ['admin'],
  });
  const trustedIssuers = [{ issuer: cluster.issuer, jwks: cluster.publicJwks() }];
  const twice = await seedError(t, {
    trustedIssuers,
    clients: [workload('first', [identity]), workload('second', [{ ...identity, conditions: { 'kubernetes.io.namespace': 'ops' } }])],
  });
  t.regex(twice, /clients\.1\.federatedIdentities\.0: client "first" already holds this federated identity/);
});

test('start-up warns about a GitHub Actions identity pinned by names alone (no repository_id, repository_owner_id)', async (t) => {
  const github = await startTestIssuer();
  t.teardown(() => github.stop());
  const workload = (clientId: string, conditions: Record<string, string>) => ({
    clientId,
    grantTypes: ['jwt-bearer'],
    authMethod: 'none',
    federatedIdentities: [{ issuer: github.issuer, subject: `repo:org/${clientId}:ref:refs/heads/main`, conditions }],
    resources: ['urn:tollgate:admin'],
    scopes: ['admin'],
  });
  const seed = {
    trustedIssuers: [{ issuer: github.issuer, jwks: github.publicJwks() }],
    clients: [workload('by-name', { repository: 'org/by-name' }), workload('pinned', { repository_id: '1296269', repository_owner_id: '1342004' })],
  };
  const log = captureLog();
  const server = await startTestServer({ env: { TOLLGATE_DEMO: 'false', TOLLGATE_SEED_FILE: seedFile('github-names', seed) }, logger: log.logger });
  await server.stop();
  const warnings = log.lines(/GitHub Actions identity without/);
  t.deepEqual(
    warnings.map((line) => [line.clientId, line.field, line.level]),
    [['by-name', 'federated_identities.0', 40]], // pino's warn
  );
});

test('a seeded token-exchange client may not list the admin API among its resources or in serves', async (t) => {
  const exchanger = (fields: object) => ({
    clientId: 'escalator',
    secretHash: 'sha256:WF695mfGySEMS_wn5ngbdiYLJ98P7k6FiO3sa8z12HA',
    grantTypes: ['token-exchange'],
    ...fields,
  });
  const resourceServers = [{ identifier: 'https://api.example.com', scopes: ['read'] }];
  const inResources = await seedError(t, {
    resourceServers,
    clients: [exchanger({ serves: ['https://api.example.com'], resources: ['urn:tollgate:admin'], scopes: ['admin'] })],
  });
  t.regex(inResources, /clients\.0\.resources\.0: urn:tollgate:admin is tollgate's own API/);
  const inServes = await seedError(t, {
    resourceServers,
    clients: [exchanger({ serves: ['urn:tollgate:admin'], resources: ['https://api.example.com'], scopes: ['read'] })],
  });
  t.regex(inServes, /clients\.0\.serves\.0: urn:tollgate:admin is tollgate's own API/);
});
