import type { Context } from 'koa';

import { AppError } from '../errors.ts';
import { sendNotFound } from './notice-pages.ts';
import { errorResponse } from '../http/error-response.ts';

/**
 * A request nothing answered (no route, or a method a route does not have) gets JSON instead of
 * koa's plain-text 404. Run once the provider has answered, on the rows of the request pipeline
 * that name it (http/request-pipeline.ts).
 */
export function renderNotFound(ctx: Context): void {
  if (!unanswered(ctx)) return;
  const response = errorResponse(new AppError('not_found', 'no such endpoint'));
  ctx.status = response.status;
  ctx.body = response.body;
}

/** As renderNotFound, where people browse (device and sign-in pages): a browser gets our HTML page. */
export function renderNotFoundPage(ctx: Context): void {
  if (unanswered(ctx) && ctx.accepts('json', 'html') === 'html') sendNotFound(ctx);
  else renderNotFound(ctx);
}

function unanswered(ctx: Context): boolean {
  return ctx.status === 404 && ctx.body === undefined && ctx.respond !== false;
}
