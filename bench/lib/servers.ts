import { fileURLToPath } from 'node:url';

import { freePort } from '../../test/helpers/free-port.ts';
import { startNodeServer, type ServerProcess } from './processes.ts';
import { fixtures } from './tollgate-fixtures.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * tollgate as an operator runs it: `node src/main.ts` on Redis, keys from a JWKS file, hashed
 * secrets with a pepper, log level info. The demo principals give the device client and the
 * account the device-flow runs log in with; rate limits are raised because every login of the
 * bench comes from one IP address. Without `redisUrl` it runs on its in-process store, with the
 * bench client and resource servers from `seedFile` (writeBenchSeed).
 */
export async function startTollgate(options: {
  redisUrl?: string;
  seedFile?: string;
  jwksFile: string;
  workers?: number;
  nodeArgs?: string[];
  launcher?: string[];
  readyTimeoutMs?: number;
  name?: string;
  /** Another checkout to run (npm run bench -- --against <ref>); default: this one. */
  root?: string;
  keyPrefix?: string;
  /** Settings over the ones above. */
  env?: Record<string, string>;
}): Promise<ServerProcess> {
  const port = await freePort();
  return startNodeServer({
    name: options.name ?? 'tollgate',
    script: `${options.root ?? repoRoot}src/main.ts`,
    port,
    nodeArgs: options.nodeArgs ?? [],
    launcher: options.launcher ?? [],
    readyTimeoutMs: options.readyTimeoutMs,
    readyPath: '/readyz',
    env: {
      PORT: String(port),
      TOLLGATE_HOST: '127.0.0.1',
      TOLLGATE_ISSUER: `http://127.0.0.1:${port}`,
      TOLLGATE_CONFIG_FILE: '',
      TOLLGATE_LOG_LEVEL: 'info',
      REDIS_URL: options.redisUrl ?? '',
      ...(options.seedFile ? { TOLLGATE_SEED_FILE: options.seedFile } : {}),
      ...(options.keyPrefix ? { TOLLGATE_REDIS_PREFIX: options.keyPrefix } : {}),
      TOLLGATE_JWKS_FILE: options.jwksFile,
      TOLLGATE_SECRET_PEPPER: fixtures.secretPepper,
      TOLLGATE_COOKIE_KEYS: 'bench-cookie-key-0123456789abcdef0123456789abcdef',
      TOLLGATE_DEMO: 'true',
      TOLLGATE_DEMO_SECRET: 'bench-demo-secret-0123456789abcdef',
      TOLLGATE_DEMO_PASSWORD: fixtures.demoPassword,
      TOLLGATE_DEVICE_POLL_INTERVAL: '1',
      TOLLGATE_RATE_LIMIT_USER_CODE_PER_IP: '100000000',
      TOLLGATE_RATE_LIMIT_PASSWORD_PER_IP: '100000000',
      TOLLGATE_RATE_LIMIT_PASSWORD_PER_ACCOUNT: '100000000',
      ...(options.workers ? { TOLLGATE_WORKERS: String(options.workers) } : {}),
      ...options.env,
    },
  });
}

/** The plain oidc-provider baseline (bench/baseline-server.ts), optionally minting refresh tokens. */
export async function startBaseline(options: {
  jwksFile: string;
  mintFile?: string;
  mintCount?: number;
  nodeArgs?: string[];
  launcher?: string[];
  readyTimeoutMs?: number;
  /** Store on this Redis through the naive adapter instead of the default in-memory store. */
  redisUrl?: string;
  name?: string;
}): Promise<ServerProcess> {
  const port = await freePort();
  return startNodeServer({
    name: options.name ?? 'baseline',
    script: `${repoRoot}bench/baseline-server.ts`,
    port,
    nodeArgs: options.nodeArgs ?? [],
    launcher: options.launcher ?? [],
    readyTimeoutMs: options.readyTimeoutMs,
    readyPath: '/.well-known/openid-configuration',
    env: {
      BENCH_PORT: String(port),
      BENCH_JWKS_FILE: options.jwksFile,
      BENCH_CLIENT_SECRET: fixtures.clientSecret,
      ...(options.redisUrl ? { BENCH_REDIS_URL: options.redisUrl } : {}),
      ...(options.mintFile ? { BENCH_MINT_FILE: options.mintFile, BENCH_MINT_COUNT: String(options.mintCount ?? 1000) } : {}),
    },
  });
}

export { repoRoot };
