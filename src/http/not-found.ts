import type { Context } from 'koa';

import { AppError } from '../errors.ts';
import { sendNotFound } from '../pages/notice-pages.ts';
import { setPageHeaders } from '../pages/page-headers.ts';
import { errorResponse } from './error-response.ts';

// Where people browse: the device pages and our sign-in pages.
const pagePaths = /^\/(?:device|interaction)(?:\/|$)/i;

/**
 * A request nothing answered (no route, or a method a route does not have): a browser on the
 * device pages gets our HTML page, everyone else JSON, instead of koa's plain-text 404. Applied
 * once the provider has answered (provider/response-rewrites.ts).
 */
export function renderNotFound(ctx: Context): void {
  if (ctx.status !== 404 || ctx.body !== undefined || ctx.respond === false) return;
  if (pagePaths.test(ctx.path) && ctx.accepts('json', 'html') === 'html') {
    setPageHeaders(ctx);
    sendNotFound(ctx);
    return;
  }
  const response = errorResponse(new AppError('not_found', 'no such endpoint'));
  ctx.status = response.status;
  ctx.body = response.body;
}
