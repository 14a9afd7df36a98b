import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';

import { loadConfig, resolveConfig } from '../../src/config/load-config.ts';
import { AppError } from '../../src/errors.ts';
import { testPepper } from '../helpers/test-pepper.ts';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-config-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function configFile(content: string): string {
  const file = join(dir, `config-${++files}.json`);
  writeFileSync(file, content);
  return file;
}

/** No config file unless the test names one: config/tollgate.json of the checkout must not leak in. */
const load = (env: Record<string, string> = {}) => loadConfig({ TOLLGATE_CONFIG_FILE: '', ...env });

test('with nothing configured every setting has its documented default', (t) => {
  const config = load();
  t.is(config.port, 3000);
  t.is(config.host, '0.0.0.0');
  t.is(config.issuer, 'http://localhost:3000');
  t.false(config.trustProxy);
  t.is(config.logLevel, 'info');
  t.is(config.workers, 1);
  t.deepEqual(config.redis, { mode: 'standalone', sentinelName: 'mymaster', nodes: [], keyPrefix: 'tollgate:', commandTimeoutMs: 2000 });
  t.deepEqual(config.keys, {
    source: 'file',
    algorithms: ['ES256'],
    rotationPeriod: 30 * 24 * 3600,
    publishAhead: 24 * 3600,
    retention: 0,
    clockSkew: 60,
    jwksMaxAge: 3600,
    checkIntervalMs: 2000,
    lockTtlMs: 30_000,
    transitionDelayMs: 0,
  });
  t.deepEqual(config.cookieKeys, []);
  t.is(config.secretPepper?.length, 43, 'the in-process store gets a random pepper');
  t.deepEqual(config.ttl, {
    accessToken: 600,
    deviceCode: 600,
    devicePollInterval: 5,
    refreshToken: 14 * 86400,
    refreshTokenAbsolute: 90 * 86400,
    refreshTokenReuseInterval: 10,
    interaction: 900,
    tokenPagesIdle: 1800,
    tokenPagesAbsolute: 12 * 3600,
  });
  t.deepEqual(config.rateLimit, {
    userCodePerIp: 20,
    passwordPerIp: 20,
    passwordPerAccount: 10,
    upstreamCallbackPerIp: 30,
    leakReportPerIp: 100,
    windowSeconds: 300,
  });
  t.is(config.clientCacheMs, 2000);
  t.true(config.demo, 'the demo is on when no storage is configured');
});

test('the demo defaults to off with Redis, and TOLLGATE_DEMO turns it on there', (t) => {
  t.false(load({ REDIS_URL: 'redis://127.0.0.1:6379', TOLLGATE_SECRET_PEPPER: testPepper }).demo);
  t.true(load({ REDIS_URL: 'redis://127.0.0.1:6379', TOLLGATE_SECRET_PEPPER: testPepper, TOLLGATE_DEMO: 'true' }).demo);
  t.false(load({ TOLLGATE_DEMO: 'no' }).demo);
});

test('with Redis and no pepper, start-up is refused with a message naming the setting and how to make one', (t) => {
  const onRedis: Record<string, string>[] = [
    { REDIS_URL: 'redis://127.0.0.1:6379' },
    { TOLLGATE_REDIS_MODE: 'cluster', TOLLGATE_REDIS_NODES: '10.0.0.1:6379' },
  ];
  for (const env of onRedis) {
    const error = t.throws(() => load(env), {
      instanceOf: AppError,
      message: /^invalid configuration: secretPepper \(TOLLGATE_SECRET_PEPPER\): required with Redis.*`openssl rand -hex 32`/,
    });
    t.is(error?.code, 'invalid_config');
  }
  t.is(load({ REDIS_URL: 'redis://127.0.0.1:6379', TOLLGATE_SECRET_PEPPER: testPepper }).secretPepper, testPepper);
});

test('without Redis each process makes up its own pepper', (t) => {
  t.not(load().secretPepper, load().secretPepper);
  t.is(load({ TOLLGATE_SECRET_PEPPER: testPepper }).secretPepper, testPepper, 'a configured one is kept');
});

test('environment variables are parsed by type and override the config file', (t) => {
  const file = configFile(JSON.stringify({ port: 4000, host: '127.0.0.1', clientCacheMs: 0, redis: { keyPrefix: 'file:' } }));
  const config = load({
    TOLLGATE_CONFIG_FILE: file,
    PORT: '5000',
    TOLLGATE_TRUST_PROXY: 'yes',
    TOLLGATE_REDIS_NODES: ' 10.0.0.1:6379, 10.0.0.2:6379 ',
    TOLLGATE_REDIS_MODE: 'cluster',
    TOLLGATE_SECRET_PEPPER: testPepper,
    TOLLGATE_ISSUER: 'https://auth.example.com/',
  });
  t.is(config.port, 5000, 'env wins over the file');
  t.is(config.host, '127.0.0.1', 'the file is used where no env is set');
  t.is(config.clientCacheMs, 0);
  t.is(config.redis.keyPrefix, 'file:');
  t.true(config.trustProxy);
  t.deepEqual(config.redis.nodes, ['10.0.0.1:6379', '10.0.0.2:6379']);
  t.is(config.issuer, 'https://auth.example.com', 'trailing slash dropped');
});

test('an empty variable counts as unset', (t) => {
  t.is(load({ PORT: '' }).port, 3000);
});

test('the configuration is frozen all the way down', (t) => {
  const config = load();
  t.true(Object.isFrozen(config));
  t.true(Object.isFrozen(config.redis));
  t.true(Object.isFrozen(config.redis.nodes));
  t.throws(() => {
    (config as { port: number }).port = 1;
  });
});

const badValues: Array<[env: Record<string, string>, message: RegExp]> = [
  [{ PORT: 'abc' }, /^invalid configuration: port \(PORT\): expected an integer, got "abc"$/],
  [{ PORT: '70000' }, /^invalid configuration: port \(PORT\): Too big/],
  [{ PORT: '-1' }, /^invalid configuration: port \(PORT\): Too small/],
  [{ REDIS_URL: 'http://127.0.0.1:6379' }, /^invalid configuration: redis\.url \(REDIS_URL\): must start with redis:\/\/ or rediss:\/\//],
  [{ TOLLGATE_TRUST_PROXY: 'maybe' }, /^invalid configuration: trustProxy \(TOLLGATE_TRUST_PROXY\): expected true or false, got "maybe"$/],
  [{ TOLLGATE_LOG_LEVEL: 'loud' }, /^invalid configuration: logLevel \(TOLLGATE_LOG_LEVEL\): /],
  [{ TOLLGATE_ISSUER: 'not a url' }, /^invalid configuration: issuer \(TOLLGATE_ISSUER\): /],
  [{ TOLLGATE_REDIS_MODE: 'replicated' }, /^invalid configuration: redis\.mode \(TOLLGATE_REDIS_MODE\): /],
  [{ TOLLGATE_REDIS_MODE: 'cluster' }, /^invalid configuration: redis\.nodes \(TOLLGATE_REDIS_NODES\): required when redis\.mode is cluster$/],
  [{ TOLLGATE_REDIS_NODES: '10.0.0.1' }, /^invalid configuration: redis\.nodes\.0 \(TOLLGATE_REDIS_NODES\): must be host:port$/],
  [{ TOLLGATE_REDIS_PREFIX: 'has space' }, /^invalid configuration: redis\.keyPrefix \(TOLLGATE_REDIS_PREFIX\): /],
  [{ TOLLGATE_REDIS_TIMEOUT_MS: '0' }, /^invalid configuration: redis\.commandTimeoutMs \(TOLLGATE_REDIS_TIMEOUT_MS\): Too small/],
  [{ TOLLGATE_WORKERS: '4' }, /^invalid configuration: workers \(TOLLGATE_WORKERS\): more than 1 process needs Redis/],
  [{ TOLLGATE_ACCESS_TOKEN_TTL: '0' }, /^invalid configuration: ttl\.accessToken \(TOLLGATE_ACCESS_TOKEN_TTL\): Too small/],
  [{ TOLLGATE_ACCESS_TOKEN_TTL: '1.5' }, /^invalid configuration: ttl\.accessToken \(TOLLGATE_ACCESS_TOKEN_TTL\): expected an integer/],
  [{ TOLLGATE_CLIENT_CACHE_MS: '-1' }, /^invalid configuration: clientCacheMs \(TOLLGATE_CLIENT_CACHE_MS\): Too small/],
  [
    { TOLLGATE_REFRESH_TOKEN_REUSE_INTERVAL: '301' },
    /^invalid configuration: ttl\.refreshTokenReuseInterval \(TOLLGATE_REFRESH_TOKEN_REUSE_INTERVAL\): Too big/,
  ],
  [
    { TOLLGATE_REFRESH_TOKEN_REUSE_INTERVAL: '-1' },
    /^invalid configuration: ttl\.refreshTokenReuseInterval \(TOLLGATE_REFRESH_TOKEN_REUSE_INTERVAL\): Too small/,
  ],
  [
    { TOLLGATE_TOKEN_PAGES_IDLE_TTL: '50000' },
    /^invalid configuration: ttl\.tokenPagesIdle \(TOLLGATE_TOKEN_PAGES_IDLE_TTL\): tokenPagesIdle must not exceed tokenPagesAbsolute$/,
  ],
  [
    { TOLLGATE_BOOTSTRAP_ADMIN_SECRET: 'bootstrap+secret/from-openssl-base64=' },
    /^invalid configuration: bootstrapAdminSecret \(TOLLGATE_BOOTSTRAP_ADMIN_SECRET\): may contain only letters, digits and - \. _ ~ \(RFC 3986 unreserved\): Basic authentication form-encodes secrets \(RFC 6749 §2\.3\.1\).*; make one with `openssl rand -hex 32` \(or `openssl rand -base64 32 \| tr '\+\/' '-_' \| tr -d '='`\)$/,
  ],
  [{ TOLLGATE_DEMO_SECRET: 'short' }, /^invalid configuration: demoSecret \(TOLLGATE_DEMO_SECRET\): Too small/],
  [{ TOLLGATE_SECRET_PEPPER: 'short-pepper' }, /^invalid configuration: secretPepper \(TOLLGATE_SECRET_PEPPER\): Too small/],
  [{ TOLLGATE_COOKIE_KEYS: 'too-short' }, /^invalid configuration: cookieKeys\.0 \(TOLLGATE_COOKIE_KEYS\): Too small/],
  [{ TOLLGATE_KEY_SOURCE: 'vault' }, /^invalid configuration: keys\.source \(TOLLGATE_KEY_SOURCE\): /],
  [
    { TOLLGATE_KEY_PUBLISH_AHEAD: '100', TOLLGATE_KEY_SOURCE: 'store', TOLLGATE_KEY_ROTATION_PERIOD: '50' },
    /^invalid configuration: keys\.publishAhead \(TOLLGATE_KEY_PUBLISH_AHEAD\): publishAhead must not exceed rotationPeriod;/,
  ],
  [
    { TOLLGATE_JWKS_MAX_AGE: '7200', TOLLGATE_KEY_SOURCE: 'store', TOLLGATE_KEY_PUBLISH_AHEAD: '3600' },
    /^invalid configuration: keys\.jwksMaxAge \(TOLLGATE_JWKS_MAX_AGE\): jwksMaxAge must not exceed publishAhead/,
  ],
  [{ TOLLGATE_KEY_CHECK_INTERVAL_MS: '10000' }, /^invalid configuration: keys\.checkIntervalMs \(TOLLGATE_KEY_CHECK_INTERVAL_MS\): Too big/],
  [
    { TOLLGATE_JWKS: '{}', TOLLGATE_JWKS_FILE: '/keys.json' },
    /^invalid configuration: keys\.jwks \(TOLLGATE_JWKS\) and keys\.jwksFile \(TOLLGATE_JWKS_FILE\) are both set/,
  ],
];

for (const [env, message] of badValues) {
  const [variable, value] = Object.entries(env)[0] as [string, string];
  test(`${variable}=${JSON.stringify(value)} is refused with a message naming the setting and the variable`, (t) => {
    const error = t.throws(() => load(env), { instanceOf: AppError, message });
    t.is(error?.code, 'invalid_config');
  });
}

test('a refused secret is not repeated in the message', (t) => {
  const error = t.throws(() => load({ TOLLGATE_SECRET_PEPPER: 'a-short-but-secret-pepper' }), { instanceOf: AppError });
  t.false(error?.message.includes('a-short-but-secret-pepper'));
});

test('unknown keys in the config file are refused, each named with its path', (t) => {
  const file = configFile(JSON.stringify({ port: 3000, prot: 3001, secretPepper: testPepper, redis: { url: 'redis://127.0.0.1:6379', keyprefix: 'x:' } }));
  t.throws(() => load({ TOLLGATE_CONFIG_FILE: file }), {
    instanceOf: AppError,
    message: /^invalid configuration: (prot: unknown setting; redis\.keyprefix: unknown setting|redis\.keyprefix: unknown setting; prot: unknown setting)$/,
  });
});

test('a value of the wrong type in the config file names the setting', (t) => {
  const file = configFile(JSON.stringify({ port: '3000' }));
  t.throws(() => load({ TOLLGATE_CONFIG_FILE: file }), { instanceOf: AppError, message: /^invalid configuration: port \(PORT\): .*expected number/ });
});

test('a config file that is missing, not JSON or not an object is refused naming the file', (t) => {
  const missing = join(dir, 'missing.json');
  t.throws(() => load({ TOLLGATE_CONFIG_FILE: missing }), {
    instanceOf: AppError,
    message: new RegExp(`cannot read configuration file ${missing} \\(TOLLGATE_CONFIG_FILE\\)`),
  });
  const notJson = configFile('{ port: 3000 }');
  t.throws(() => load({ TOLLGATE_CONFIG_FILE: notJson }), { instanceOf: AppError, message: new RegExp(`configuration file ${notJson} is not valid`) });
  const array = configFile('[]');
  t.throws(() => load({ TOLLGATE_CONFIG_FILE: array }), { instanceOf: AppError, message: /is not valid: not a JSON object/ });
});

test('trusted issuers are validated: both jwksUri and jwks, private keys and duplicates are refused naming the setting', (t) => {
  const issuer = 'https://token.actions.githubusercontent.com';
  t.throws(() => resolveConfig({ federation: { trustedIssuers: [{ issuer, jwksUri: `${issuer}/jwks`, jwks: { keys: [{ kty: 'EC' }] } }] } }), {
    message: /federation\.trustedIssuers\.0\.jwks: give jwksUri or jwks, not both/,
  });
  t.throws(() => resolveConfig({ federation: { trustedIssuers: [{ issuer, jwks: { keys: [{ kty: 'EC', d: 'secret' }] } }] } }), {
    message: /federation\.trustedIssuers\.0\.jwks: must hold public keys only/,
  });
  t.throws(() => resolveConfig({ federation: { trustedIssuers: [{ issuer }, { issuer }] } }), { message: /federation\.trustedIssuers: lists an issuer twice/ });
  t.throws(() => resolveConfig({ federation: { trustedIssuers: [{ issuer: 'ftp://x.example' }] } }), { message: /federation\.trustedIssuers\.0\.issuer/ });
  const config = resolveConfig({ federation: { trustedIssuers: [{ issuer }] } });
  t.is(config.federation.maxAssertionLifetime, 3600);
  t.is(config.federation.trustedIssuers[0]?.issuer, issuer);
});

const acme = { id: 'acme', name: 'Acme SSO', type: 'oidc', issuer: 'https://sso.acme.test', clientId: 'tollgate', clientSecretEnv: 'ACME_SECRET' };

test('an upstream gets its client secret from its variable and the documented defaults', (t) => {
  const config = loadConfig({ TOLLGATE_CONFIG_FILE: configFile(JSON.stringify({ upstreams: [acme] })), ACME_SECRET: 'acme-secret' });
  const [upstream] = config.upstreams;
  t.like(upstream, { clientSecret: 'acme-secret', provisioning: 'jit', reverifyAfter: 86400, scopes: ['openid', 'profile', 'email'] });
  t.deepEqual(upstream?.type === 'oidc' && upstream.claims, { username: 'preferred_username', name: 'name', email: 'email', groups: 'groups' });
  t.true(config.passwordSignIn);
});

test('upstream configuration errors name the upstream and the setting', (t) => {
  const fails = (upstream: object, env: Record<string, string> = { ACME_SECRET: 'x' }) =>
    t.throws(() => loadConfig({ TOLLGATE_CONFIG_FILE: configFile(JSON.stringify({ upstreams: [upstream] })), ...env }), { instanceOf: AppError })?.message;
  t.regex(fails({ ...acme, clientSecret: 'inline' }) ?? '', /upstreams\.acme\.clientSecret: unknown setting/);
  t.regex(fails(acme, {}) ?? '', /upstreams\.acme\.clientSecretEnv: environment variable ACME_SECRET is not set/);
  t.regex(fails({ ...acme, issuer: 'not a url' }) ?? '', /upstreams\.acme\.issuer/);
  t.regex(fails({ ...acme, priorityRules: [{ group: 'g', maxPriority: { q: -1 } }] }) ?? '', /upstreams\.acme\.priorityRules\.0\.maxPriority\.q/);
  t.regex(fails({ ...acme, type: 'saml' }) ?? '', /upstreams\.acme\.type/);
});

test('the commands the secret rule names make secrets it accepts', (t) => {
  for (const command of ['openssl rand -hex 32', "openssl rand -base64 32 | tr '+/' '-_' | tr -d '='"]) {
    const secret = execSync(command, { encoding: 'utf8' }).trim();
    t.is(load({ TOLLGATE_BOOTSTRAP_ADMIN_SECRET: secret }).bootstrapAdminSecret, secret, command);
  }
});
