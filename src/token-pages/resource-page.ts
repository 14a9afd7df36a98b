import { html, type RawHtml } from '../pages/html.ts';
import type { MaxPriority } from '../principals/max-priority.ts';
import type { ResourceServerRecord } from '../resources/resource-server-record.ts';
import { noSelfService } from '../resources/self-service-policy.ts';
import type { ResourceTokenView } from '../admin/resource-tokens/resource-token-view.ts';
import type { ActivityEntry } from '../self-service/resource-activity.ts';
import { tokenForm, type TokenFormValues } from './new-token-form.ts';
import { tokenPage, tokenPath, when, type Signed } from './page-chrome.ts';
import type { FieldErrors, TokenFormScope } from './rights-fields.ts';

export interface ResourcePageView {
  signed: Signed;
  form: TokenFormScope;
  tokens: readonly ResourceTokenView[];
  activity: readonly ActivityEntry[];
  /** Who an activity entry's actor (`account:<id>`, ...) is, in words. */
  actorName: (actor: string) => string;
  values: TokenFormValues;
  errors?: FieldErrors;
  /** What just happened (a token revoked, a publisher removed), from the redirect after it. */
  notice?: string | undefined;
  /** The resource's trusted publishers and their form (publisher-section.ts), between its tokens and its activity. */
  publishers: RawHtml;
  /** Trusted publisher id -> description, for the activity. */
  publisherDescriptions: ReadonlyMap<string, string>;
}

export const priorityText = (map: MaxPriority | null | undefined) =>
  map && Object.keys(map).length
    ? Object.entries(map)
        .map(([queue, priority]) => `${queue} ${priority}`)
        .join(', ')
    : 'none';

const daysLeft = (iso: string) => Math.max(0, Math.ceil((Date.parse(iso) - Date.now()) / 86400_000));

function tokenCard(resource: ResourceServerRecord, token: ResourceTokenView): RawHtml {
  const revoked = token.status === 'revoked';
  const creator = token.created_by.name ?? token.created_by.id;
  return html`<li class="card">
<h3>${token.description}${revoked ? html`<span class="badge gone">Revoked</span>` : token.expires_soon ? html`<span class="badge">Expires soon</span>` : ''}</h3>
<dl class="facts">
<div><dt>Token id</dt><dd>${token.id}</dd></div>
<div><dt>Created by</dt><dd>${creator}${token.created_by.kind === 'account' && !token.creator_is_maintainer ? html` <span class="badge quiet">no longer a maintainer</span>` : ''}</dd></div>
<div><dt>Created</dt><dd>${when(token.created_at)}</dd></div>
<div><dt>Expires</dt><dd>${when(token.expires_at)}${token.expires_soon ? html`<br><strong>in ${daysLeft(token.expires_at)} days</strong>` : ''}</dd></div>
<div><dt>Last used</dt><dd>${token.last_used_at ? html`${when(token.last_used_at)}${token.last_used_ip ? html`<br>from ${token.last_used_ip}` : ''}` : 'never'}</dd></div>
<div><dt>Scopes</dt><dd>${token.scopes.join(' ') || 'none'}</dd></div>
<div><dt>Priority</dt><dd>${priorityText(token.max_priority)}</dd></div>
${token.rotated_at ? html`<div><dt>Rotated</dt><dd>${when(token.rotated_at)}</dd></div>` : ''}
${token.revoked_at ? html`<div><dt>Revoked</dt><dd>${when(token.revoked_at)}${token.revoked_by ? html`<br>by ${token.revoked_by.name ?? token.revoked_by.id}` : ''}</dd></div>` : ''}
</dl>
${
  revoked
    ? ''
    : html`<p class="links">
<a href="${tokenPath(resource.identifier, token.id, 'rotate')}" aria-label="Rotate ${token.description}">Rotate</a>
<a href="${tokenPath(resource.identifier, token.id, 'revoke')}" aria-label="Revoke ${token.description}">Revoke</a>
</p>`
}
</li>`;
}

const eventNames: Record<string, string> = {
  'resource_token.created': 'Token made',
  'resource_token.rotated': 'Token rotated',
  'resource_token.revoked': 'Token revoked',
  'resource_token.first_used': 'Token used for the first time',
  'resource_token.reported': 'Token reported as leaked',
  'resource_token.deleted': 'Token deleted with the API',
  'trusted_publisher.added': 'Trusted publisher added',
  'trusted_publisher.removed': 'Trusted publisher removed',
  'trusted_publisher.first_used': 'Trusted publisher used for the first time',
};

/** `descriptions`: token and trusted publisher ids -> their descriptions, for those still listed. */
function activityItem(entry: ActivityEntry, descriptions: ReadonlyMap<string, string>, actorName: (actor: string) => string): RawHtml {
  const subject = entry.tokenId ?? entry.publisherId;
  const description = subject ? descriptions.get(subject) : undefined;
  return html`<li>${when(entry.at)}: <strong>${eventNames[entry.event] ?? entry.event}</strong>${subject ? html`, ${description ? `"${description}" ` : ''}(${subject})` : ''}${entry.actor ? `, by ${actorName(entry.actor)}` : ''}${entry.ip ? `, from ${entry.ip}` : ''}${entry.overlapSeconds ? `, old value kept ${Math.round(entry.overlapSeconds / 60)} min` : ''}</li>`;
}

/** One resource server: what its tokens may carry, its tokens, the form to make one, its trusted publishers, its recent activity. */
export function resourcePage(view: ResourcePageView): string {
  const { resource } = view.form;
  const policy = resource.selfService ?? noSelfService;
  const live = view.tokens.filter((token) => token.status === 'active');
  const expiring = live.filter((token) => token.expires_soon);
  const descriptions = new Map([...view.tokens.map((token) => [token.id, token.description] as const), ...view.publisherDescriptions]);

  return tokenPage(
    resource.name,
    html`<p class="crumbs"><a href="/tokens">Your APIs</a></p>
<h1>${resource.name}</h1>
<p class="lead">${resource.identifier}</p>
${view.notice ? html`<p class="notice" role="status">${view.notice}</p>` : ''}
${expiring.length ? html`<div class="warning" role="note"><strong>${expiring.length === 1 ? '1 token expires' : `${expiring.length} tokens expire`} within 14 days.</strong>Make a new one and update your CI's secret before then: a CI job with an expired token stops working.</div>` : ''}
<p>Tokens of this API may carry the scopes <strong>${(policy.scopes ?? resource.scopes).join(' ') || 'none'}</strong>, a priority of at most <strong>${priorityText(policy.maxPriority)}</strong>, and live at most <strong>${policy.maxLifetimeDays} days</strong>. Every maintainer of the API sees, rotates and revokes every one of them.</p>

<h2>Tokens</h2>
${view.tokens.length ? html`<ul class="cards">${view.tokens.map((token) => tokenCard(resource, token))}</ul>` : html`<p class="muted">No tokens yet.</p>`}

<h2 id="new-token">Make a token</h2>
${view.errors && Object.keys(view.errors).length ? html`<p class="alert" role="alert">The token was not made: see the field marked below.</p>` : ''}
${tokenForm(view.form, view.signed.csrf, view.values, view.errors)}

${view.publishers}

<h2>Recent activity</h2>
${view.activity.length ? html`<ul class="activity">${view.activity.map((entry) => activityItem(entry, descriptions, view.actorName))}</ul>` : html`<p class="muted">Nothing yet.</p>`}`,
    view.signed,
  );
}
