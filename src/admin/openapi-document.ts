import { z } from 'zod';

import { packageVersion } from '../package-version.ts';
import { maxPriorityShape, maxPrioritySchema } from '../principals/max-priority.ts';
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
    const parameters = [...names.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })), ...queryParameters(route.query)];
    const responses: Record<string, unknown> = {};
    for (const [status, schema] of Object.entries(route.responses)) {
      responses[status] = { description: 'success', content: { 'application/json': { schema: jsonSchema(schema, 'output') } } };
    }
    for (const status of errorStatuses(route, names.length > 0)) {
      responses[status] = { description: errorResponses[status], content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    }
    responses.default = { description: 'an error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = {
      operationId: operationId(route),
      summary: route.summary,
      tags: [tagOf(route)],
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: api.title, version: packageVersion, license: { name: 'Apache-2.0', identifier: 'Apache-2.0' }, description: api.description },
    servers: [{ url: `${issuer}${api.base}` }],
    tags: [...new Set(routes.map(tagOf))].map((name) => ({ name, description: tagDescriptions[name] ?? `${name} records` })),
    security: api.security,
    components: {
      securitySchemes: api.securitySchemes,
      schemas: { Error: jsonSchema(errorView, 'output') },
    },
    paths,
  };
}

/** The error answers every admin route can give, with the error schema (errorView). */
const errorResponses = {
  400: 'a field, parameter or body is invalid (error invalid_field; field names it)',
  401: 'no valid admin access token',
  403: 'the token lacks the admin scope or audience',
  404: 'no record of that id',
  409: 'the change conflicts with an existing record',
} as const;

function errorStatuses(route: AdminRoute, hasParameters: boolean): Array<keyof typeof errorResponses> {
  return [
    ...(route.body || route.query ? [400 as const] : []),
    401,
    403,
    ...(hasParameters ? [404 as const] : []),
    ...(route.method === 'POST' && route.responses[201] !== undefined ? [409 as const] : route.method === 'PATCH' ? [409 as const] : []),
  ];
}

const tagDescriptions: Record<string, string> = {
  accounts: 'people who log in with the device flow',
  clients: 'OAuth clients: services, device-login clients, admin clients',
  'initial-access-tokens': 'tokens for dynamic client registration (RFC 7591)',
  meta: 'this document',
  resources: 'resource servers (APIs): token audiences and their scopes',
  'trusted-issuers': 'platforms whose tokens the jwt-bearer grant accepts (configuration)',
  upstreams: 'identity providers people sign in through (configuration)',
};

/** The record kind a route is about: the first segment of its path. */
function tagOf(route: AdminRoute): string {
  const first = route.path.split('/')[1] ?? '';
  return first === 'openapi.json' ? 'meta' : first;
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  // Refinements (URI checks) stay in zod: they have no JSON Schema form. max_priority is parsed
  // by a transform (messages naming the queue at fault) and documented by its typed shape.
  const override = ({ zodSchema, jsonSchema: out }: { zodSchema: unknown; jsonSchema: JsonSchema }) => {
    if (zodSchema !== maxPrioritySchema) return;
    for (const key of Object.keys(out)) delete out[key];
    const { $schema: _shapeDialect, ...shape } = z.toJSONSchema(maxPriorityShape, { io }) as JsonSchema;
    Object.assign(out, shape);
  };
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', override }) as JsonSchema;
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
