import type { AccountRecord } from '../accounts/account-record.ts';
import { html, type RawHtml } from '../pages/html.ts';
import { footers, page } from '../pages/layout.ts';
import { tokenPagesPrefix } from '../pages/page-prefixes.ts';

export { tokenPagesPrefix };

export const signInPath = `${tokenPagesPrefix}/sign-in`;
const signOutPath = `${tokenPagesPrefix}/sign-out`;

/** A resource server's page; its identifier (usually a URL) is one percent-encoded segment. */
export const resourcePath = (identifier: string) => `${tokenPagesPrefix}/resources/${encodeURIComponent(identifier)}`;
export const tokenPath = (identifier: string, tokenId: string, action: 'revoke' | 'rotate' | 'new') =>
  `${resourcePath(identifier)}/tokens/${tokenId}/${action}`;
/** A trusted publisher's page (its CI snippet), or its removal's confirmation. */
export const publisherPath = (identifier: string, publisherId: string, action?: 'remove') =>
  `${resourcePath(identifier)}/publishers/${publisherId}${action ? `/${action}` : ''}`;

/** Who the pages say is signed in. */
const accountLabel = (account: AccountRecord) => (account.name ? `${account.name} (${account.username})` : account.username);

export interface Signed {
  account: AccountRecord;
  /** The session's anti-forgery token, in every form. */
  csrf: string;
}

/** A form field carrying the session's anti-forgery token. */
export const csrfField = (csrf: string) => html`<input type="hidden" name="csrf" value="${csrf}">`;

/** A page of a signed-in maintainer: the device pages' look, wider, with who is signed in and a way out. */
export function tokenPage(title: string, body: RawHtml, { account, csrf }: Signed): string {
  const nav = html`<span>Signed in as ${accountLabel(account)}</span>
<form method="post" action="${signOutPath}">${csrfField(csrf)}<button type="submit" class="secondary">Sign out</button></form>`;
  return page(title, body, { wide: true, nav, footer: footers.tokens });
}

/** A page for someone not (or no longer) signed in. */
export function signedOutPage(title: string, body: RawHtml): string {
  return page(title, body, { footer: footers.tokens });
}

const dateFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/** A time as the pages show it, in UTC and said so, with the machine-readable value. */
export function when(iso: string): RawHtml {
  return html`<time datetime="${iso}">${dateFormat.format(new Date(iso))} UTC</time>`;
}
