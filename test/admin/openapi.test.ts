import { readFileSync } from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import test from 'ava';

import { adminRoutes } from '../../src/admin/admin-routes.ts';
import { buildOpenApiDocument } from '../../src/admin/openapi-document.ts';
import type { RunningServer } from '../../src/server.ts';
import { adminCall, responseValidator, startAdminTestServer } from '../helpers/admin-api.ts';

let server: RunningServer;
let admin: string;
let stop: () => Promise<void>;

test.before(async () => ({ server, token: admin, stop } = await startAdminTestServer()));
test.after.always(() => stop?.());

test('GET /admin/openapi.json is a valid OpenAPI 3.1 document describing every admin route', async (t) => {
  const { status, body } = await adminCall(server, admin, 'GET', '/openapi.json');
  t.is(status, 200);
  t.is(body.openapi, '3.1.0');
  // The validator dereferences in place: give it a copy.
  await t.notThrowsAsync(SwaggerParser.validate(structuredClone(body) as never));
  const paths = body.paths as Record<string, Record<string, unknown>>;
  for (const route of adminRoutes) {
    t.truthy(paths[route.path.replace(/:([a-z_]+)/g, '{$1}')]?.[route.method.toLowerCase()], `${route.method} ${route.path}`);
  }
  t.deepEqual((body.servers as { url: string }[])[0], { url: `${server.url}/admin` });
  // What the shared test helper validates every admin answer against.
  t.deepEqual(body, JSON.parse(JSON.stringify(buildOpenApiDocument(adminRoutes, server.url))));
});

test('the OpenAPI document needs an admin token like the rest of /admin', async (t) => {
  const { status, body } = await adminCall(server, null, 'GET', '/openapi.json');
  t.is(status, 401);
  t.is(body.error, 'unauthorized');
});

test('request schemas are the ones handlers parse with: defaults make fields optional, strict objects refuse others', async (t) => {
  const { body } = await adminCall(server, admin, 'GET', '/openapi.json');
  const create = (
    body.paths as Record<
      string,
      Record<string, { requestBody: { content: Record<string, { schema: { required?: string[]; additionalProperties?: unknown } }> } }>
    >
  )['/clients']?.post;
  const schema = create?.requestBody.content['application/json']?.schema;
  t.deepEqual(schema?.required ?? [], []);
  t.is(schema?.additionalProperties, false);
});

test('an answer with a field its schema lacks, or without a required one, fails validation', async (t) => {
  const validator = await responseValidator(server);
  const { body: client } = await adminCall(server, admin, 'GET', '/clients/demo');
  t.notThrows(() => validator.check('GET', '/clients/demo', 200, client));
  t.throws(() => validator.check('GET', '/clients/demo', 200, { ...client, secret_hash: 'x' }), { message: /does not match/ });
  const { name: _name, ...withoutName } = client;
  t.throws(() => validator.check('GET', '/clients/demo', 200, withoutName), { message: /does not match/ });
  t.throws(() => validator.check('GET', '/clients/demo', 404, { error: 'not_found' }), { message: /does not match/ });
});

/** Every place under `node` where a schema says nothing of its type (`{}`), by JSON pointer. */
function untypedSchemas(node: unknown, pointer: string, found: string[] = []): string[] {
  if (node === null || typeof node !== 'object') return found;
  const schema = node as Record<string, unknown>;
  const typed = ['type', '$ref', 'anyOf', 'oneOf', 'allOf', 'const', 'enum', 'not'].some((key) => key in schema);
  if (!typed) found.push(pointer);
  for (const key of ['properties', 'patternProperties', '$defs'] as const) {
    for (const [name, child] of Object.entries((schema[key] as Record<string, unknown> | undefined) ?? {}))
      untypedSchemas(child, `${pointer}/${key}/${name}`, found);
  }
  for (const key of ['items', 'additionalProperties', 'propertyNames', 'not'] as const) {
    if (typeof schema[key] === 'object') untypedSchemas(schema[key], `${pointer}/${key}`, found);
  }
  for (const key of ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const) {
    ((schema[key] as unknown[] | undefined) ?? []).forEach((child, index) => untypedSchemas(child, `${pointer}/${key}/${index}`, found));
  }
  return found;
}

test('no request or response body schema is untyped: max_priority is the same typed map in requests and responses', (t) => {
  const document = buildOpenApiDocument(adminRoutes, 'https://auth.example.org') as unknown as {
    paths: Record<string, Record<string, Record<string, unknown>>>;
    components: { schemas: Record<string, unknown> };
  };
  const untyped: string[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const body = (operation.requestBody as { content?: Record<string, { schema: unknown }> } | undefined)?.content?.['application/json']?.schema;
      if (body) untypedSchemas(body, `${method} ${path} request`, untyped);
      for (const [status, response] of Object.entries(operation.responses as Record<string, { content?: Record<string, { schema: unknown }> }>)) {
        const schema = response.content?.['application/json']?.schema;
        if (schema) untypedSchemas(schema, `${method} ${path} ${status}`, untyped);
      }
    }
  }
  // Open objects on purpose: a JWK's members beyond kty/kid/... (RFC 7517 registries), in a
  // client's jwks and in an imported key set, and this document itself.
  const open = (pointer: string) =>
    pointer.endsWith('/jwks/properties/keys/items/additionalProperties') ||
    pointer === 'post /keys/import request/properties/keys/items/additionalProperties' ||
    pointer === 'get /openapi.json 200/additionalProperties';
  t.deepEqual(
    untyped.filter((pointer) => !open(pointer)),
    [],
  );
  const request = (document.paths['/clients']?.post?.requestBody as { content: Record<string, { schema: { properties: Record<string, unknown> } }> }).content[
    'application/json'
  ]?.schema.properties.max_priority;
  const response = (
    document.paths['/clients/{id}']?.get?.responses as Record<
      string,
      { content: Record<string, { schema: { properties: Record<string, { anyOf: unknown[] }> } }> }
    >
  )[200]?.content['application/json']?.schema.properties.max_priority?.anyOf[0];
  t.deepEqual(request, response);
  t.is((request as { type: string }).type, 'object');
});

test('the document passes the Redocly linter (recommended-strict) with no problem, and carries tags, 4XX answers and the package version', async (t) => {
  const document = buildOpenApiDocument(adminRoutes, 'https://auth.example.org');
  // The server URL is the issuer the document is served from: it is example.org here by design.
  const config = await createConfig({ extends: ['recommended-strict'], rules: { 'no-server-example.com': 'off' } });
  const problems = await lintFromString({ source: JSON.stringify(document), absoluteRef: 'openapi.json', config });
  t.deepEqual(
    problems.map((problem) => `${problem.ruleId}: ${problem.message} at ${problem.location[0]?.pointer}`),
    [],
  );
  t.is(document.info.version, JSON.parse(readFileSync('package.json', 'utf8')).version);
  const create = (document.paths['/clients'] as Record<string, { tags: string[]; responses: Record<string, unknown> }>).post;
  t.deepEqual(create?.tags, ['clients']);
  t.deepEqual(Object.keys(create?.responses ?? {}).sort(), ['201', '400', '401', '403', '409', 'default']);
  t.deepEqual((document.paths['/accounts/{id}'] as Record<string, { tags: string[] }>).get?.tags, ['accounts']);
});
