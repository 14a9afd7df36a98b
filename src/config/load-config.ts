import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

import type { JWK } from 'jose';

import { invalidConfig } from '../errors.ts';
import { parseMaxPriority, type MaxPriority } from '../principals/max-priority.ts';
import { configSchema, type Config } from './schema.ts';
import type { UpstreamInput, UpstreamSettings } from './upstream-schema.ts';
import { envSettings, type EnvParser } from './env-settings.ts';

const defaultFile = 'config/tollgate.json';

/**
 * Builds the one configuration object: the JSON file (TOLLGATE_CONFIG_FILE, or
 * config/tollgate.json when it exists), then environment variables on top, validated and frozen.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: object = {}): Config {
  // An empty TOLLGATE_CONFIG_FILE means "no file", even when config/tollgate.json exists.
  const file = env.TOLLGATE_CONFIG_FILE ?? (existsSync(defaultFile) ? defaultFile : undefined);
  const input: Record<string, unknown> = file ? readConfigFile(file) : {};

  for (const [variable, path, parser] of envSettings) {
    const text = env[variable];
    if (text === undefined || text === '') continue;
    setPath(input, path, parseEnv(`${path} (${variable})`, text, parser));
  }
  deepMerge(input, overrides as Record<string, unknown>);

  return resolveConfig(input, env);
}

/**
 * Validates an already assembled input; used by tests that build configuration directly.
 * `env` holds the upstreams' client secrets (their clientSecretEnv variables).
 */
export function resolveConfig(input: unknown, env: NodeJS.ProcessEnv = {}): Config {
  const result = configSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.flatMap((issue) => {
      // Unknown keys (a typo in the config file) are named one by one, with their full path.
      const path = settingPath(input, issue.path);
      if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `${[...path, key].join('.')}: unknown setting`);
      const setting = path.join('.') || '(root)';
      // redis.nodes.1 is set by the variable of redis.nodes.
      const variable = envSettings.find(([, path]) => setting === path || setting.startsWith(`${path}.`))?.[0];
      return [`${setting}${variable ? ` (${variable})` : ''}: ${issue.message}`];
    });
    throw invalidConfig(`invalid configuration: ${problems.join('; ')}`);
  }
  const parsed = result.data;
  if (parsed.redis.mode !== 'standalone' && parsed.redis.nodes.length === 0) {
    throw invalidConfig(`invalid configuration: redis.nodes (TOLLGATE_REDIS_NODES): required when redis.mode is ${parsed.redis.mode}`);
  }
  if (parsed.workers > 1 && !parsed.redis.url && parsed.redis.nodes.length === 0) {
    throw invalidConfig('invalid configuration: workers (TOLLGATE_WORKERS): more than 1 process needs Redis (REDIS_URL), the in-process store is not shared');
  }
  if (parsed.workers > 1 && parsed.metrics.token && parsed.metrics.port === undefined) {
    throw invalidConfig(
      'invalid configuration: metrics.port (TOLLGATE_METRICS_PORT): required for metrics with more than 1 worker; the primary serves them there, summed over workers',
    );
  }
  if (parsed.keys.jwks && parsed.keys.jwksFile) {
    throw invalidConfig('invalid configuration: keys.jwks (TOLLGATE_JWKS) and keys.jwksFile (TOLLGATE_JWKS_FILE) are both set; choose one');
  }
  const hasStorage = Boolean(parsed.redis.url) || parsed.redis.nodes.length > 0;
  // Digests of credentials in Redis key names are only as strong as the pepper: without one,
  // a read-only dump gives up every 8-letter user code in about an hour of one core.
  if (hasStorage && !parsed.secretPepper) {
    throw invalidConfig(
      'invalid configuration: secretPepper (TOLLGATE_SECRET_PEPPER): required with Redis, to key the digests of credentials stored there; make one with `openssl rand -hex 32` and keep it: another pepper invalidates stored logins and pepper-hashed client secrets',
    );
  }
  const upstreams = resolveUpstreams(parsed.upstreams, env);
  const config: Config = {
    ...parsed,
    upstreams,
    issuer: (parsed.issuer ?? `http://localhost:${parsed.port}`).replace(/\/$/, ''),
    demo: parsed.demo ?? !hasStorage,
    // The in-process store lives as long as this process, and so may a pepper made up here.
    secretPepper: parsed.secretPepper ?? randomBytes(32).toString('base64url'),
  };
  return deepFreeze(config);
}

/**
 * Validated upstream inputs (from the config file or the seed) with their client secrets read
 * from `env` and their rule maps checked; errors name the upstream and the setting.
 */
export function resolveUpstreams(inputs: readonly UpstreamInput[], env: NodeJS.ProcessEnv): UpstreamSettings[] {
  return inputs.map((upstream): UpstreamSettings => {
    const priorityRules = upstream.priorityRules.map((rule, index) => ({ ...rule, maxPriority: parseRuleMap(upstream.id, index, rule.maxPriority) }));
    if (upstream.type === 'github')
      return { ...upstream, priorityRules, clientSecret: upstreamSecret(upstream.id, 'clientSecretEnv', upstream.clientSecretEnv, env) };
    return {
      ...upstream,
      priorityRules,
      clientSecret: upstream.clientSecretEnv === undefined ? undefined : upstreamSecret(upstream.id, 'clientSecretEnv', upstream.clientSecretEnv, env),
      privateKey: upstream.privateKeyEnv === undefined ? undefined : upstreamPrivateKey(upstream.id, upstream.privateKeyEnv, env),
    };
  });
}

/** upstreams.0.issuer reads upstreams.acme.issuer when that upstream has an id: errors name it. */
function settingPath(input: unknown, path: readonly PropertyKey[]): string[] {
  const named = path.map(String);
  if (path[0] === 'upstreams' && typeof path[1] === 'number') {
    const id = (input as { upstreams?: Array<{ id?: unknown }> })?.upstreams?.[path[1]]?.id;
    if (typeof id === 'string' && id) named[1] = id;
  }
  return named;
}

function upstreamSecret(id: string, setting: string, name: string, env: NodeJS.ProcessEnv): string {
  const secret = env[name];
  if (!secret) throw invalidConfig(`invalid configuration: upstreams.${id}.${setting}: environment variable ${name} is not set`);
  return secret;
}

function upstreamPrivateKey(id: string, name: string, env: NodeJS.ProcessEnv): JWK {
  const text = upstreamSecret(id, 'privateKeyEnv', name, env);
  let jwk: JWK | undefined;
  try {
    jwk = JSON.parse(text) as JWK;
  } catch {
    // Named below without the value: it is a private key.
  }
  if (typeof jwk !== 'object' || jwk === null || typeof jwk.kty !== 'string' || typeof jwk.d !== 'string') {
    throw invalidConfig(
      `invalid configuration: upstreams.${id}.privateKeyEnv: environment variable ${name} must hold a private JWK as JSON (with "kty" and "d")`,
    );
  }
  return jwk;
}

function parseRuleMap(id: string, index: number, value: unknown): MaxPriority {
  try {
    return parseMaxPriority(value, `upstreams.${id}.priorityRules.${index}.maxPriority`);
  } catch (error) {
    throw invalidConfig(`invalid configuration: ${(error as Error).message}`);
  }
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw invalidConfig(`cannot read configuration file ${file} (TOLLGATE_CONFIG_FILE): ${(cause as Error).message}`);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (cause) {
    throw invalidConfig(`configuration file ${file} is not valid: ${(cause as Error).message}`);
  }
}

function parseEnv(setting: string, text: string, parser: EnvParser): unknown {
  switch (parser) {
    case 'string':
      return text;
    case 'list':
      return text
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
    case 'int': {
      if (!/^-?\d+$/.test(text.trim())) throw invalidConfig(`invalid configuration: ${setting}: expected an integer, got "${text}"`);
      return Number(text);
    }
    case 'bool': {
      const lowered = text.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(lowered)) return true;
      if (['false', '0', 'no', 'off'].includes(lowered)) return false;
      throw invalidConfig(`invalid configuration: ${setting}: expected true or false, got "${text}"`);
    }
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  const last = parts.pop() as string;
  let node = target;
  for (const part of parts) {
    const next = node[part];
    if (typeof next !== 'object' || next === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[last] = value;
}

function deepMerge(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (isPlainObject(value) && isPlainObject(existing)) deepMerge(existing, value);
    else target[key] = value;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
