import { html, type RawHtml } from '../pages/html.ts';
import type { ResourceServerRecord } from '../resources/resource-server-record.ts';
import type { TrustedPublisherView } from '../admin/trusted-publishers/publisher-view.ts';
import { publisherPath, resourcePath, tokenPage, when, type Signed } from './page-chrome.ts';
import { identityFacts } from './publisher-section.ts';
import { confirmationPage } from './confirmation-page.ts';
import { priorityText } from './resource-page.ts';

const jwtBearer = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Where the Kubernetes snippet mounts the projected token. */
const projectedTokenDirectory = '/var/run/secrets/tollgate';

function summary(view: TrustedPublisherView): RawHtml {
  return html`<dl class="device">
<div><dt>Publisher</dt><dd>${view.description}</dd></div>
<div><dt>Id (client_id)</dt><dd>${view.id}</dd></div>
${identityFacts(view)}
<div><dt>Issuer</dt><dd>${view.issuer}</dd></div>
<div><dt>Added by</dt><dd>${view.created_by.name ?? view.created_by.id}, ${when(view.created_at)}</dd></div>
<div><dt>Last used</dt><dd>${view.last_used_at ? html`${when(view.last_used_at)}${view.last_used_ip ? ` from ${view.last_used_ip}` : ''}` : 'never'}</dd></div>
<div><dt>Gets</dt><dd>scopes ${view.scopes.join(' ') || 'none'}; priority ${priorityText(view.max_priority)}</dd></div>
</dl>`;
}

/**
 * Ready to paste: what a CI job runs to trade its platform's OIDC token, asked for with the
 * audience the binding expects (tollgate's issuer unless it names another), for an access token
 * of the resource (RFC 7523 §2.1, client_id = the publisher's id). There is no secret in either.
 */
export function publisherSnippets(view: TrustedPublisherView, resourceName: string, issuer: string): { title: string; lead: RawHtml; snippet: string } {
  const audience = view.audience ?? issuer;
  const exchange = (indent: string, assertion: string) =>
    [`curl -fsS ${issuer}/token \\`, `  -d grant_type=${jwtBearer} \\`, `  -d client_id=${view.id} \\`, `  --data-urlencode ${assertion}`].join(`\n${indent}`);
  const github = view.github_actions;
  if (github) {
    const conditions = [
      github.job_workflow_ref
        ? `# In ${github.job_workflow_ref.replace(/^[^/]+\/[^/]+\//, '').replace(/@.*$/, '')}: the binding takes this workflow file only`
        : '',
      github.ref ? `# The binding takes jobs on ${github.ref} only` : '',
    ].filter(Boolean);
    const snippet = [
      ...conditions,
      'permissions:',
      '  id-token: write   # the job may ask GitHub for its OIDC token',
      '  contents: read',
      'jobs:',
      '  publish:',
      '    runs-on: ubuntu-latest',
      ...(github.environment ? [`    environment: ${github.environment}`] : []),
      '    steps:',
      // Quoted as JSON is: a valid YAML string whatever the API's name holds.
      `      - name: ${JSON.stringify(`Get an access token for ${resourceName}`)}`,
      '        id: tollgate',
      '        run: |',
      '          id_token=$(curl -fsS -H "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" \\',
      `            "$ACTIONS_ID_TOKEN_REQUEST_URL&audience=${encodeURIComponent(audience)}" | jq -r .value)`,
      `          access_token=$(${exchange('          ', '"assertion=$id_token"')} | jq -r .access_token)`,
      '          echo "::add-mask::$access_token"',
      '          echo "access_token=$access_token" >> "$GITHUB_OUTPUT"',
    ].join('\n');
    return {
      title: 'Use it in GitHub Actions',
      lead: html`The job asks GitHub for its own OIDC token and trades it for an access token: no secret to store. Later steps send <code>\${{ steps.tollgate.outputs.access_token }}</code> as their bearer token.`,
      snippet,
    };
  }
  const account = view.kubernetes;
  const snippet = [
    '# The pod: its service account, and a token for tollgate mounted as a file (the kubelet renews it)',
    'spec:',
    `  serviceAccountName: ${account?.service_account ?? ''}`,
    '  containers:',
    '    - name: ci',
    '      volumeMounts:',
    '        - name: tollgate-token',
    `          mountPath: ${projectedTokenDirectory}`,
    '          readOnly: true',
    '  volumes:',
    '    - name: tollgate-token',
    '      projected:',
    '        sources:',
    '          - serviceAccountToken:',
    '              path: token',
    `              audience: ${audience}`,
    '              expirationSeconds: 3600',
    '',
    '# In the container: trade it for an access token',
    exchange('', `assertion@${projectedTokenDirectory}/token`),
  ].join('\n');
  return {
    title: 'Use it in Kubernetes',
    lead: html`A pod in <code>${account?.namespace ?? ''}</code> running as this service account mounts a projected token for the audience <code>${audience}</code> and trades it for an access token: no secret to store.`,
    snippet,
  };
}

export interface PublisherPageView {
  signed: Signed;
  resource: ResourceServerRecord;
  publisher: TrustedPublisherView;
  /** Tollgate's issuer: the default audience and the token endpoint's origin. */
  issuer: string;
  /** It was added just now. */
  added: boolean;
}

/** One trusted publisher: what it binds, and what its CI job runs (shown after adding it, and linked from the list). */
export function publisherPage({ signed, resource, publisher, issuer, added }: PublisherPageView): string {
  const { title, lead, snippet } = publisherSnippets(publisher, resource.name, issuer);
  return tokenPage(
    publisher.description,
    html`<p class="crumbs"><a href="${resourcePath(resource.identifier)}">${resource.name}</a></p>
<h1>${added ? 'Trusted publisher added' : publisher.description}</h1>
${added ? html`<p class="notice" role="status">"${publisher.description}" (${publisher.id}) can get access tokens for ${resource.identifier} from now on.</p>` : ''}
${summary(publisher)}
<h2 id="snippet-heading">${title}</h2>
<p>${lead}</p>
<pre id="publisher-snippet" tabindex="0">${snippet}</pre>
<p class="hint">The publisher's id is not a secret: write it in the file as it is.</p>
<p class="links">
<a class="button" href="${resourcePath(resource.identifier)}">Back to ${resource.name}</a>
<a href="${publisherPath(resource.identifier, publisher.id, 'remove')}" aria-label="Remove ${publisher.description}">Remove</a>
</p>`,
    signed,
  );
}

/** The confirmation step before a removal: what it binds, and that its CI job stops at once. */
export function removePublisherPage(signed: Signed, resource: ResourceServerRecord, publisher: TrustedPublisherView): string {
  return confirmationPage(signed, resource, {
    title: 'Remove trusted publisher',
    question: 'Remove this trusted publisher?',
    facts: summary(publisher),
    action: publisherPath(resource.identifier, publisher.id, 'remove'),
    warningId: 'remove-warning',
    warning: html`<strong>Its CI jobs stop getting access tokens at once.</strong>To bind it again, add it again: it gets a new id, to change in the workflow. Access tokens it already got expire within minutes.`,
  });
}
