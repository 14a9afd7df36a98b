import { html, type RawHtml } from '../pages/html.ts';
import type { TrustedPublisherView } from '../admin/trusted-publishers/publisher-view.ts';
import { publisherPath, when } from './page-chrome.ts';
import { publisherForm, type PublisherFormValues } from './publisher-form.ts';
import type { FieldErrors, TokenFormScope } from './rights-fields.ts';
import { priorityText } from './resource-page.ts';

/** A trusted publisher as the resource's page lists it. */
export interface ListedPublisher {
  view: TrustedPublisherView;
  creatorIsMaintainer: boolean;
  /** The resource's policy still lists its issuer; when not, its CI job gets nothing. */
  issuerAllowed: boolean;
}

/** The CI identity a publisher binds, as facts of its card or summary. */
export function identityFacts(view: TrustedPublisherView): RawHtml {
  const github = view.github_actions;
  if (github) {
    return html`<div><dt>GitHub Actions repository</dt><dd>${github.repository ?? 'no name given'}<br>repository id ${github.repository_id}, owner id ${github.repository_owner_id}</dd></div>
${github.job_workflow_ref ? html`<div><dt>Workflow</dt><dd>${github.job_workflow_ref}</dd></div>` : ''}
${github.ref ? html`<div><dt>Git ref</dt><dd>${github.ref}</dd></div>` : ''}
${github.environment ? html`<div><dt>Environment</dt><dd>${github.environment}</dd></div>` : ''}`;
  }
  const account = view.kubernetes;
  return account ? html`<div><dt>Kubernetes service account</dt><dd>${account.namespace}/${account.service_account}<br>uid ${account.uid}</dd></div>` : html``;
}

function publisherCard(identifier: string, { view, creatorIsMaintainer, issuerAllowed }: ListedPublisher): RawHtml {
  const creator = view.created_by.name ?? view.created_by.id;
  return html`<li class="card">
<h3>${view.description}${issuerAllowed ? '' : html`<span class="badge gone">Issuer no longer allowed</span>`}</h3>
<dl class="facts">
<div><dt>Publisher id (client_id)</dt><dd>${view.id}</dd></div>
${identityFacts(view)}
<div><dt>Issuer</dt><dd>${view.issuer}</dd></div>
${view.audience ? html`<div><dt>Audience</dt><dd>${view.audience}</dd></div>` : ''}
<div><dt>Scopes</dt><dd>${view.scopes.join(' ') || 'none'}</dd></div>
<div><dt>Priority</dt><dd>${priorityText(view.max_priority)}</dd></div>
<div><dt>Created by</dt><dd>${creator}${view.created_by.kind === 'account' && !creatorIsMaintainer ? html` <span class="badge quiet">no longer a maintainer</span>` : ''}</dd></div>
<div><dt>Created</dt><dd>${when(view.created_at)}</dd></div>
<div><dt>Last used</dt><dd>${view.last_used_at ? html`${when(view.last_used_at)}${view.last_used_ip ? html`<br>from ${view.last_used_ip}` : ''}` : 'never'}</dd></div>
</dl>
<p class="links">
<a href="${publisherPath(identifier, view.id)}" aria-label="Set up CI for ${view.description}">Set up CI</a>
<a href="${publisherPath(identifier, view.id, 'remove')}" aria-label="Remove ${view.description}">Remove</a>
</p>
</li>`;
}

export interface PublisherSectionView {
  form: TokenFormScope;
  csrf: string;
  publishers: readonly ListedPublisher[];
  values: PublisherFormValues;
  errors?: FieldErrors | undefined;
}

/**
 * The resource page's trusted publishers (SPEC §15): every one of them, whoever added it, and
 * the form to add one where the resource's policy lists issuers to bind CI identities from.
 */
export function publisherSection(view: PublisherSectionView): RawHtml {
  const { resource } = view.form;
  const issuers = resource.selfService?.publisherIssuers ?? [];
  return html`<h2 id="trusted-publishers">Trusted publishers</h2>
<p>CI jobs that get this API's access tokens without any secret: a GitHub Actions repository or a Kubernetes service account proves who it is with its platform's own OIDC token. Every maintainer of the API sees and removes every one of them.</p>
${view.publishers.length ? html`<ul class="cards">${view.publishers.map((publisher) => publisherCard(resource.identifier, publisher))}</ul>` : html`<p class="muted">No trusted publishers yet.</p>`}
${
  issuers.length
    ? html`<h2 id="new-publisher">Add a trusted publisher</h2>
${view.errors && Object.keys(view.errors).length ? html`<p class="alert" role="alert">The trusted publisher was not added: see the field marked below.</p>` : ''}
${publisherForm(view.form, view.csrf, view.values, view.errors)}`
    : html`<p class="muted">This API accepts no trusted publishers: an admin lists the CI issuers it takes them from.</p>`
}`;
}
