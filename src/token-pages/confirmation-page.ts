import { html, type RawHtml } from '../pages/html.ts';
import type { ResourceServerRecord } from '../resources/resource-server-record.ts';
import { csrfField, resourcePath, tokenPage, type Signed } from './page-chrome.ts';

/** A step on a resource's page that cannot be taken back (revoking a token, removing a publisher). */
export interface Confirmation {
  /** The page's title and its button: `Revoke token`. */
  title: string;
  question: string;
  /** What it acts on. */
  facts: RawHtml;
  /** Where the confirmed form posts. */
  action: string;
  /** The warning's element id, which the button points to. */
  warningId: string;
  warning: RawHtml;
}

/** The confirmation before such a step: what it acts on, the warning, Cancel back to the resource, and the button. */
export function confirmationPage(
  signed: Signed,
  resource: Pick<ResourceServerRecord, 'identifier' | 'name'>,
  { title, question, facts, action, warningId, warning }: Confirmation,
): string {
  return tokenPage(
    title,
    html`<p class="crumbs"><a href="${resourcePath(resource.identifier)}">${resource.name}</a></p>
<h1>${question}</h1>
${facts}
<form method="post" action="${action}">
${csrfField(signed.csrf)}
<div class="warning" id="${warningId}" role="note">${warning}</div>
<div class="actions">
<a class="button secondary" href="${resourcePath(resource.identifier)}">Cancel</a>
<button type="submit" class="danger" aria-describedby="${warningId}">${title}</button>
</div>
</form>`,
    signed,
  );
}
