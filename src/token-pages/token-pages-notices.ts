import type { Context } from 'koa';

import { html, type RawHtml } from '../pages/html.ts';
import { sendPage } from '../pages/notice-pages.ts';
import { signedOutPage, tokenPage, tokenPagesPrefix, type Signed } from './page-chrome.ts';

function sendNotice(ctx: Context, status: number, signed: Signed | undefined, title: string, body: RawHtml): void {
  const content = html`<h1>${title}</h1>${body}<p><a class="button" href="${tokenPagesPrefix}">Your APIs</a></p>`;
  sendPage(ctx, status, signed ? tokenPage(title, content, signed) : signedOutPage(title, content));
}

/** The same answer whether the API exists or not: a non-maintainer learns nothing about it. */
export function sendNotMaintainer(ctx: Context, signed: Signed): void {
  sendNotice(
    ctx,
    403,
    signed,
    'Not one of your APIs',
    html`<p class="alert" role="alert">You do not maintain this API, or its self-service is off.</p>
<p>An admin names each API's maintainers: ask one to add you or your group.</p>`,
  );
}

export function sendNoSuchPage(ctx: Context, signed: Signed | undefined, what = 'There is no page at this address.'): void {
  sendNotice(ctx, 404, signed, 'Not found', html`<p>${what}</p>`);
}

/** A form whose anti-forgery token is missing or wrong: an old tab, or a post from another site. */
export function sendFormNotVerified(ctx: Context, signed: Signed | undefined): void {
  sendNotice(
    ctx,
    403,
    signed,
    'This form has expired',
    html`<p class="alert" role="alert">The form could not be verified, so nothing was changed.</p>
<p>Go back, reload the page and try again.</p>`,
  );
}

export function sendRefused(ctx: Context, signed: Signed, status: number, message: string): void {
  sendNotice(ctx, status, signed, 'That did not work', html`<p class="alert" role="alert">${message}</p>`);
}
