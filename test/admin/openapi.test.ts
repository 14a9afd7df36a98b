import SwaggerParser from '@apidevtools/swagger-parser';
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
  const create = (body.paths as Record<string, Record<string, { requestBody: { content: Record<string, { schema: { required?: string[]; additionalProperties?: unknown } }> } }>>)['/clients']?.post;
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
