import type { Context } from 'koa';

import { html } from './html.ts';
import { page } from './layout.ts';

/** Puts a rendered page on a koa response. */
export function sendPage(ctx: Context, status: number, body: string): void {
  ctx.status = status;
  ctx.type = 'html';
  ctx.body = body;
}

function minutes(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

/** 429 with Retry-After (RFC 6585 §4): too many codes or passwords tried from here. */
export function sendTooManyAttempts(ctx: Context, retryAfterSeconds: number): void {
  ctx.set('retry-after', String(retryAfterSeconds));
  sendPage(
    ctx,
    429,
    page(
      'Too many attempts',
      html`<h1>Too many attempts</h1>
<p class="alert" role="alert">For your security, sign-in attempts are paused for a while.</p>
<p>Try again in ${minutes(retryAfterSeconds)}. If you did not make these attempts, tell your administrator.</p>`,
    ),
  );
}

export function sendInteractionExpired(ctx: Context): void {
  sendPage(
    ctx,
    400,
    page(
      'Sign-in expired',
      html`<h1>This sign-in has expired</h1>
<p>It took too long, or it was already finished in another tab.</p>
<p>Start the login on your device again and enter the new code.</p>`,
    ),
  );
}

/**
 * The form's anti-forgery token did not match: an old tab, or a request from another site.
 * `startOver` links to where the person can begin again (the code page) when reloading won't do.
 */
export function sendFormExpired(ctx: Context, startOver?: string): void {
  sendPage(
    ctx,
    403,
    page(
      'Form expired',
      html`<h1>This form has expired</h1>
<p class="alert" role="alert">The form could not be verified, so nothing was changed.</p>
${startOver ? html`<p><a href="${startOver}">Enter your code again</a></p>` : html`<p>Reload the page and try again.</p>`}`,
    ),
  );
}

/** A request the pages cannot use (wrong content type, too large): nothing was changed. */
export function sendBadRequest(ctx: Context, status: number, reason: string): void {
  sendPage(
    ctx,
    status,
    page(
      'Request not accepted',
      html`<h1>That did not work</h1>
<p class="alert" role="alert">${reason}</p>
<p>Go back, reload the page and try again.</p>`,
    ),
  );
}

export function sendNotFound(ctx: Context): void {
  sendPage(
    ctx,
    404,
    page(
      'Page not found',
      html`<h1>Page not found</h1>
<p>There is no page at this address.</p>
<p>To connect a device, open the address your device shows and enter its code.</p>`,
    ),
  );
}

/** Our fault, not the person's: no detail is shown. */
export function sendServerError(ctx: Context): void {
  sendPage(
    ctx,
    500,
    page(
      'Something went wrong',
      html`<h1>Something went wrong</h1>
<p>Nothing was changed. Wait a moment, then reload this page.</p>`,
    ),
  );
}

export function sendUnavailable(ctx: Context): void {
  ctx.set('retry-after', '5');
  sendPage(
    ctx,
    503,
    page(
      'Try again shortly',
      html`<h1>tollgate is busy</h1>
<p>Sign-in is temporarily unavailable. Nothing was changed.</p>
<p>Wait a moment, then reload this page.</p>`,
    ),
  );
}
