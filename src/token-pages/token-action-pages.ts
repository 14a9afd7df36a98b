import { html } from '../pages/html.ts';
import type { ResourceServerRecord } from '../resources/resource-server-record.ts';
import { maxRotationOverlapSeconds } from '../resource-tokens/resource-token-input.ts';
import type { ResourceTokenView } from '../admin/resource-tokens/resource-token-view.ts';
import { csrfField, resourcePath, tokenPage, tokenPath, when, type Signed } from './page-chrome.ts';
import { priorityText } from './resource-page.ts';

/** How long the old value may keep working after a rotation, as the rotate page offers it. */
export const overlapChoices: ReadonlyArray<readonly [seconds: number, label: string]> = [
  [0, 'No: it stops working now'],
  [900, '15 minutes'],
  [3600, '1 hour'],
  [6 * 3600, '6 hours'],
  [maxRotationOverlapSeconds, '24 hours'],
];

function summary(token: ResourceTokenView) {
  return html`<dl class="device">
<div><dt>Token</dt><dd>${token.description}</dd></div>
<div><dt>Token id</dt><dd>${token.id}</dd></div>
<div><dt>Created by</dt><dd>${token.created_by.name ?? token.created_by.id}</dd></div>
<div><dt>Last used</dt><dd>${token.last_used_at ? html`${when(token.last_used_at)}${token.last_used_ip ? ` from ${token.last_used_ip}` : ''}` : 'never'}</dd></div>
<div><dt>Scopes</dt><dd>${token.scopes.join(' ') || 'none'}; priority ${priorityText(token.max_priority)}</dd></div>
</dl>`;
}

/** The confirmation step before a revocation: what it is, and that it cannot be undone. */
export function revokePage(signed: Signed, resource: ResourceServerRecord, token: ResourceTokenView): string {
  return tokenPage(
    'Revoke token',
    html`<p class="crumbs"><a href="${resourcePath(resource.identifier)}">${resource.name}</a></p>
<h1>Revoke this token?</h1>
${summary(token)}
<form method="post" action="${tokenPath(resource.identifier, token.id, 'revoke')}">
${csrfField(signed.csrf)}
<div class="warning" id="revoke-warning" role="note"><strong>Every CI job using it stops getting access tokens at once.</strong>This cannot be undone; access tokens it already got expire within minutes.</div>
<div class="actions">
<a class="button secondary" href="${resourcePath(resource.identifier)}">Cancel</a>
<button type="submit" class="danger" aria-describedby="revoke-warning">Revoke token</button>
</div>
</form>`,
    signed,
  );
}

/** Rotation: a new value, shown once; the old one may keep working a while so CI can catch up. */
export function rotatePage(signed: Signed, resource: ResourceServerRecord, token: ResourceTokenView): string {
  return tokenPage(
    'Rotate token',
    html`<p class="crumbs"><a href="${resourcePath(resource.identifier)}">${resource.name}</a></p>
<h1>Rotate this token?</h1>
<p class="lead">It gets a new value, shown once on the next page. Its id, scopes, priority and expiry stay.</p>
${summary(token)}
<form method="post" action="${tokenPath(resource.identifier, token.id, 'rotate')}">
${csrfField(signed.csrf)}
<label for="overlap">Keep the old value working?</label>
<select id="overlap" name="overlap" aria-describedby="overlap-hint">
${overlapChoices.map(([seconds, label]) => html`<option value="${seconds}"${seconds === 3600 ? html` selected` : ''}>${label}</option>`)}
</select>
<p class="hint" id="overlap-hint">Time to put the new value in your CI's secrets before the old one stops.</p>
<div class="actions">
<a class="button secondary" href="${resourcePath(resource.identifier)}">Cancel</a>
<button type="submit">Rotate token</button>
</div>
</form>`,
    signed,
  );
}

export interface IssuedView {
  signed: Signed;
  resource: ResourceServerRecord;
  token: ResourceTokenView;
  /** The value, this once; undefined when it was shown already. */
  value: string | undefined;
  /** When the previous value stops working, for a rotation with an overlap. */
  previousUntil: string | undefined;
  /** The token endpoint, for the snippets. */
  tokenEndpoint: string;
  /** The copy buttons' script (only this page may run it). */
  script: string;
}

/** Ready to paste: the value is never in a snippet, only the token's id; CI reads the value from its secrets. */
function snippets(tokenId: string, resourceName: string, tokenEndpoint: string) {
  const curl = `curl -fsS -u "${tokenId}:$TOLLGATE_TOKEN" \\
  -d grant_type=client_credentials \\
  ${tokenEndpoint}`;
  const actions = `- name: Get an access token for ${resourceName}
  id: tollgate
  env:
    TOLLGATE_TOKEN: \${{ secrets.TOLLGATE_TOKEN }}
  run: |
    access_token=$(curl -fsS -u "${tokenId}:$TOLLGATE_TOKEN" \\
      -d grant_type=client_credentials ${tokenEndpoint} | jq -r .access_token)
    echo "::add-mask::$access_token"
    echo "access_token=$access_token" >> "$GITHUB_OUTPUT"`;
  return { curl, actions };
}

const copyButton = (target: string, label: string) => html`<button type="button" class="secondary inline" data-copy="${target}" hidden>${label}</button>`;

/** The new value, once, with what to do with it. Sent with Cache-Control: no-store, like every page here. */
export function issuedPage(view: IssuedView): string {
  const { resource, token } = view;
  const back = html`<p><a class="button" href="${resourcePath(resource.identifier)}">Back to ${resource.name}</a></p>`;
  if (!view.value) {
    return tokenPage(
      'Value already shown',
      html`<p class="crumbs"><a href="${resourcePath(resource.identifier)}">${resource.name}</a></p>
<h1>This value was shown once already</h1>
<p>A token's value is shown only on the page right after it was made or rotated, and tollgate keeps no copy of it.</p>
<p>If you did not copy it, rotate the token "${token.description}" to get a new value.</p>
${back}`,
      view.signed,
    );
  }
  const { curl, actions } = snippets(token.id, resource.name, view.tokenEndpoint);
  return tokenPage(
    'Copy your new token',
    html`<p class="crumbs"><a href="${resourcePath(resource.identifier)}">${resource.name}</a></p>
<h1>Copy your new token now</h1>
<div class="warning" role="note"><strong>This is the only time it is shown.</strong>Put it in your CI's secret store now, for example as the GitHub Actions secret TOLLGATE_TOKEN (Settings, Secrets and variables, Actions). Nobody, admins included, can show it again.</div>
<h2 id="token-heading">"${token.description}"</h2>
<code class="secret" id="token-value">${view.value}</code>
${copyButton('token-value', 'Copy token')}
<p class="hint">Expires ${when(token.expires_at)}. Scopes ${token.scopes.join(' ') || 'none'}; priority ${priorityText(token.max_priority)}.${view.previousUntil ? html` The old value keeps working until ${when(view.previousUntil)}.` : ''}</p>

<h2 id="curl-heading">Try it with curl</h2>
<p>With the token in the environment variable TOLLGATE_TOKEN, this prints a short-lived access token for ${resource.identifier}:</p>
<pre id="curl-snippet" tabindex="0">${curl}</pre>
${copyButton('curl-snippet', 'Copy curl command')}

<h2 id="actions-heading">Use it in GitHub Actions</h2>
<p>A step for your workflow; later steps send <code>\${{ steps.tollgate.outputs.access_token }}</code> as their bearer token.</p>
<pre id="actions-snippet" tabindex="0">${actions}</pre>
${copyButton('actions-snippet', 'Copy workflow step')}
${back}
<script src="${view.script}"></script>`,
    view.signed,
  );
}
