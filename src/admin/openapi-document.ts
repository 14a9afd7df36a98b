import { z } from 'zod';

import { adminResource } from '../resources/resource-server-record.ts';
import type { AdminRoute } from './admin-route.ts';
import { errorView } from './view-schemas.ts';

type JsonSchema = Record<string, unknown>;

/**
 * The OpenAPI 3.1 description of the admin API, built from the route table: each route's own
 * zod schemas (the ones its handler parses with) become JSON Schema 2020-12, OpenAPI 3.1's
 * dialect. Requests are described as sent (`io: 'input'`: defaults make fields optional),
 * responses as produced.
 */
/** Which API a document describes: its path under the issuer, title, and how callers get a token. */
export interface ApiDescription {
  base: string;
  title: string;
  description: string;
  /** The OpenAPI `security` requirement and the schemes it names. */
  security: Array<Record<string, string[]>>;
  securitySchemes: Record<string, unknown>;
}

const adminApi = (issuer: string): ApiDescription => ({
  base: '/admin',
  title: 'tollgate admin API',
  description: `Every request needs an access token of an admin client: client credentials for resource ${adminResource.identifier}, scope admin.`,
  security: [{ adminToken: ['admin'] }],
  securitySchemes: {
    adminToken: {
      type: 'oauth2',
      flows: { clientCredentials: { tokenUrl: `${issuer}/token`, scopes: { admin: 'the admin API' } } },
    },
  },
});

export function buildOpenApiDocument(routes: readonly AdminRoute[], issuer: string, api: ApiDescription = adminApi(issuer)) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const names = [...route.path.matchAll(/:([a-z_]+)/g)].map((match) => match[1] as string);
    const path = route.path.replace(/:([a-z_]+)/g, '{$1}');
    const parameters = [
      ...names.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      ...queryParameters(route.query),
    ];
    const responses: Record<string, unknown> = {};
    for (const [status, schema] of Object.entries(route.responses)) {
      responses[status] = { description: 'success', content: { 'application/json': { schema: jsonSchema(schema, 'output') } } };
    }
    responses.default = { description: 'an error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = {
      operationId: operationId(route),
      summary: route.summary,
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: api.title, version: '1', description: api.description },
    servers: [{ url: `${issuer}${api.base}` }],
    security: api.security,
    components: {
      securitySchemes: api.securitySchemes,
      schemas: { Error: jsonSchema(errorView, 'output') },
    },
    paths,
  };
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  // Refinements (URI checks, max_priority's rules) stay in zod: they have no JSON Schema form.
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function queryParameters(query: z.ZodObject | undefined) {
  if (!query) return [];
  const { properties = {}, required = [] } = jsonSchema(query, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(properties).map(([name, schema]) => {
    const { description, ...rest } = schema;
    return { name, in: 'query', required: required.includes(name), ...(description ? { description } : {}), schema: rest };
  });
}

/** From the method and path: getClients, postClientsIdRotateSecret, deleteInitialAccessTokensId. */
function operationId(route: AdminRoute): string {
  return route.method.toLowerCase() + route.path.replace(/[/:_.-]+([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}
