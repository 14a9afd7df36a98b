import { z } from 'zod';

import { adminRoute, type AdminRoute } from './admin-route.ts';
import { buildOpenApiDocument, type ApiDescription } from './openapi-document.ts';

/**
 * GET /admin/openapi.json: the admin API's OpenAPI 3.1 description, itself included. Behind the
 * admin token like everything under /admin: it holds no secret, but nothing admin is visible to
 * an anonymous caller, and the tools that read it hold that token anyway.
 */
export function openApiRoute(routes: () => readonly AdminRoute[], api?: (issuer: string) => ApiDescription): AdminRoute {
  const documents = new Map<string, unknown>();
  return adminRoute({
    method: 'GET',
    path: '/openapi.json',
    summary: 'This description (OpenAPI 3.1)',
    responses: { 200: z.object({ openapi: z.literal('3.1.0') }).loose() },
    async handle(_request, deps) {
      const { issuer } = deps.config;
      if (!documents.has(issuer)) documents.set(issuer, buildOpenApiDocument(routes(), issuer, api?.(issuer)));
      return { body: documents.get(issuer) };
    },
  });
}
