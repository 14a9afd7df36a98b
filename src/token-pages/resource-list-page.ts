import { html } from '../pages/html.ts';
import type { ResourceServerRecord } from '../resources/resource-server-record.ts';
import { resourcePath, tokenPage, type Signed } from './page-chrome.ts';

export interface MaintainedSummary {
  resource: ResourceServerRecord;
  live: number;
  expiringSoon: number;
}

/** The first page: the APIs this person maintains now (with self-service on), nothing else. */
export function resourceListPage(signed: Signed, maintained: readonly MaintainedSummary[], notice?: string): string {
  return tokenPage(
    'Your APIs',
    html`<h1>Your APIs</h1>
<p class="lead">The APIs you maintain. Make tokens for their CI here: a token belongs to the API, not to you, and keeps working when you leave the team.</p>
${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
${
  maintained.length
    ? html`<ul class="cards">${maintained.map(
        ({ resource, live, expiringSoon }) => html`<li class="card">
<h2 class="card-title"><a href="${resourcePath(resource.identifier)}">${resource.name}</a>${expiringSoon ? html`<span class="badge">${expiringSoon} expiring soon</span>` : ''}</h2>
<p class="muted">${resource.identifier}</p>
<p>${live === 1 ? '1 active token' : `${live} active tokens`}</p>
</li>`,
      )}</ul>`
    : html`<div class="warning" role="note"><strong>You maintain no API here.</strong>An admin names each API's maintainers (people, or a group of your identity provider): ask one to add you or your group.</div>`
}`,
    signed,
  );
}
