import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import type { ExecutionContext } from 'ava';

import { adminRoutes } from '../../src/admin/admin-routes.ts';
import { buildOpenApiDocument } from '../../src/admin/openapi-document.ts';
import type { RunningServer } from '../../src/server.ts';
import { startRedis } from './start-redis.ts';
import { basicAuth, postForm, startTestServer, type TestServerOptions } from './start-server.ts';

export interface AdminTestServer {
  server: RunningServer;
  /** A bearer token of the demo admin client. */
  token: string;
  /** Stops the server, then its Redis. */
  stop(): Promise<void>;
}

/**
 * A test file's own redis-server and tollgate with an admin token; the client cache is off so
 * every admin edit shows in the next request. If a step fails, what already started is stopped.
 */
export async function startAdminTestServer(
  env: Record<string, string> = {},
  options: Pick<TestServerOptions, 'overrides' | 'logger'> = {},
): Promise<AdminTestServer> {
  const redis = await startRedis();
  let server: RunningServer | undefined;
  try {
    server = await startTestServer({ redisUrl: redis.url, env: { TOLLGATE_CLIENT_CACHE_MS: '0', ...env }, ...options });
    const running = server;
    const stop = async () => {
      await running.stop();
      await redis.stop();
    };
    return { server, token: await adminToken(server), stop };
  } catch (error) {
    await server?.stop();
    await redis.stop();
    throw error;
  }
}

/** A client-credentials token for the admin resource, from the server's demo admin client. */
export async function adminToken(server: RunningServer, clientId?: string, secret?: string): Promise<string> {
  const demo = server.tollgate.demo;
  const id = clientId ?? (demo?.adminClientId as string);
  const { status, body } = await postForm(
    `${server.url}/token`,
    { grant_type: 'client_credentials', resource: 'urn:tollgate:admin', scope: 'admin' },
    { authorization: basicAuth(id, secret ?? (demo?.adminClientSecret as string)) },
  );
  if (status !== 200) throw new Error(`admin token: ${status} ${JSON.stringify(body)}`);
  return body.access_token as string;
}

export interface AdminResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { error?: string; field?: string };
}

/** One admin API call with a JSON body; `token: null` sends no Authorization header. */
export async function adminCall(server: RunningServer, token: string | null, method: string, path: string, body?: unknown): Promise<AdminResponse> {
  const response = await fetch(`${server.url}/admin${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as AdminResponse['body']) : {};
  (await responseValidator(server)).check(method, path, response.status, parsed);
  return { status: response.status, headers: response.headers, body: parsed };
}

/** A client-credentials token request of a client for the demo API (or what `form` says). */
export function clientCredentials(server: RunningServer, clientId: string, secret: string, form: Record<string, string> = {}) {
  return postForm(
    `${server.url}/token`,
    { grant_type: 'client_credentials', resource: 'urn:tollgate:demo', ...form },
    { authorization: basicAuth(clientId, secret) },
  );
}

/** Disables a client through the admin API, then enables it again: disabled, its secret gets invalid_client; enabled, it works again. */
export async function checkDisableAndEnable(t: ExecutionContext, server: RunningServer, token: string, clientId: string, secret: string): Promise<void> {
  t.is((await adminCall(server, token, 'PATCH', `/clients/${clientId}`, { disabled: true })).body.disabled, true);
  const refused = await clientCredentials(server, clientId, secret);
  t.is(refused.status, 401);
  t.is(refused.body.error, 'invalid_client');
  await adminCall(server, token, 'PATCH', `/clients/${clientId}`, { disabled: false });
  t.is((await clientCredentials(server, clientId, secret)).status, 200);
}

type Validate = ((data: unknown) => boolean) & { errors?: unknown };
export interface ResponseValidator {
  check(method: string, path: string, status: number, body: unknown): void;
}
const validators = new WeakMap<RunningServer, Promise<ResponseValidator>>();

/**
 * Every admin answer a test sees is checked against the server's own /admin/openapi.json, so the
 * description cannot drift from what the API does: a field missing from a schema fails the test
 * that received it.
 */
export function responseValidator(server: RunningServer): Promise<ResponseValidator> {
  let validator = validators.get(server);
  if (!validator) {
    validator = loadValidator(server);
    validators.set(server, validator);
  }
  return validator;
}

async function loadValidator(server: RunningServer): Promise<ResponseValidator> {
  // The document the server serves (test/admin/openapi.test.ts checks they are the same), built
  // here so that validating needs no admin token of its own.
  const document = JSON.parse(JSON.stringify(buildOpenApiDocument(adminRoutes, server.tollgate.config.issuer))) as {
    paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  };
  // strict: false, because the document as a whole carries OpenAPI's keywords beside the schemas.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  formats.default(ajv);
  ajv.addSchema(document, 'openapi');
  const compiled = new Map<string, Validate>();
  const compile = (pointer: string) => {
    let validate = compiled.get(pointer);
    if (!validate) {
      validate = ajv.compile({ $ref: `openapi#${pointer}` }) as Validate;
      compiled.set(pointer, validate);
    }
    return validate;
  };
  const templates = Object.keys(document.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
  }));
  const escape = (text: string) => text.replaceAll('~', '~0').replaceAll('/', '~1');

  return {
    check(method, path, status, body) {
      const bare = path.split('?')[0] as string;
      const template = templates.find(({ pattern }) => pattern.test(bare))?.template;
      const operation = template ? document.paths[template]?.[method.toLowerCase()] : undefined;
      const pointer =
        operation && template
          ? `/paths/${escape(template)}/${method.toLowerCase()}/responses/${String(status) in operation.responses ? status : 'default'}/content/application~1json/schema`
          : '/components/schemas/Error';
      const validate = compile(pointer);
      if (!validate(body)) {
        throw new Error(
          `${method} /admin${path} -> ${status} does not match /admin/openapi.json (${pointer}): ${JSON.stringify(validate.errors)}\n${JSON.stringify(body)}`,
        );
      }
    },
  };
}
