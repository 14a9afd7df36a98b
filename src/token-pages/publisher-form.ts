import { html, type RawHtml } from '../pages/html.ts';
import type { Form } from '../pages/read-form.ts';
import { newTrustedPublisher, type NewTrustedPublisher } from '../trusted-publishers/publisher-input.ts';
import { csrfField, resourcePath } from './page-chrome.ts';
import {
  allowedScopes,
  described,
  descriptionField,
  readRights,
  rightsFields,
  sentence,
  type FieldErrors,
  type ReadForm,
  type RightsValues,
  type TokenFormScope,
} from './rights-fields.ts';

export type PublisherKind = 'github_actions' | 'kubernetes';

/** The add form as typed: shown again, unchanged, when something in it is refused. */
export interface PublisherFormValues extends RightsValues {
  description: string;
  issuer: string;
  audience: string;
  kind: PublisherKind;
  /** The CI identity's fields, by their names in the JSON API (`repository_id`, `uid`, ...). */
  identity: Record<string, string>;
}

const identityFields: Record<PublisherKind, readonly string[]> = {
  github_actions: ['repository', 'repository_id', 'repository_owner_id', 'job_workflow_ref', 'ref', 'environment'],
  kubernetes: ['namespace', 'service_account', 'uid'],
};

/** The fields a refusal may name beside themselves: the JSON API's field names, as the form's keys. */
export const publisherFormFields = [
  'description',
  'issuer',
  'audience',
  'scopes',
  ...Object.entries(identityFields).flatMap(([kind, names]) => names.map((name) => `${kind}.${name}`)),
];

const githubActionsIssuer = 'https://token.actions.githubusercontent.com';
const issuerLabel = (issuer: string) => (issuer === githubActionsIssuer ? `GitHub Actions (${issuer})` : issuer);

export function defaultPublisherForm({ resource }: TokenFormScope): PublisherFormValues {
  return {
    description: '',
    issuer: resource.selfService?.publisherIssuers[0] ?? '',
    audience: '',
    kind: 'github_actions',
    identity: {},
    scopes: allowedScopes(resource),
    priorities: {},
  };
}

/**
 * The form as the add call takes it (the JSON API's body), checked against the same schema: a
 * binding by a name alone is refused here, beside the id it lacks. What the policy allows is
 * checked by the call (trusted-publishers.ts), whose refusals `fieldErrorOf` puts back.
 */
export function readPublisherForm(form: Form, { resource }: TokenFormScope): ReadForm<PublisherFormValues, NewTrustedPublisher> {
  const rights = readRights(form, resource);
  const kind: PublisherKind = form.kind === 'kubernetes' ? 'kubernetes' : 'github_actions';
  const typed = (name: string) => (form[name] ?? '').trim().slice(0, 600);
  const values: PublisherFormValues = {
    description: (form.description ?? '').slice(0, 400),
    issuer: typed('issuer'),
    audience: typed('audience'),
    kind,
    identity: Object.fromEntries(identityFields[kind].map((name) => [name, typed(name)])),
    ...rights.values,
  };
  // An empty field is a missing one: its schema says why it is required.
  const given = (fields: Record<string, string>) => Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== ''));
  const parsed = newTrustedPublisher.safeParse({
    description: values.description,
    ...given({ issuer: values.issuer, audience: values.audience }),
    [kind]: given(values.identity),
    scopes: values.scopes,
    max_priority: rights.maxPriority,
  });
  const errors: FieldErrors = { ...rights.errors };
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [first, second] = issue.path.map(String);
      const field = first === 'max_priority' ? `priority:${second}` : first === 'scopes' ? 'scopes' : [first, second].filter(Boolean).join('.');
      const key = field.startsWith('priority:') || publisherFormFields.includes(field) ? field : 'form';
      // "is required: the service account's uid (...)" -> "Required: the service account's uid (...)."
      errors[key] ??= sentence(issue.message.replace(/^is /, ''));
    }
  }
  return Object.keys(errors).length || !parsed.success ? { values, errors } : { values, input: parsed.data, errors };
}

interface TextField {
  name: string;
  label: string;
  hint?: string | RawHtml;
  /** Required for its kind: the label says so (the browser does not enforce it: only the chosen kind's fields are read). */
  required?: boolean;
  placeholder?: string;
  maxlength: number;
}

/** A text input of the form, with its value as typed and its refusal. */
function textField(value: string, error: string | undefined, field: TextField): RawHtml {
  const id = `publisher-${field.name.replaceAll('_', '-')}`;
  const note = described(id, field.hint, error);
  return html`<label for="${id}">${field.label}${field.required ? '' : ' (optional)'}</label>
<input id="${id}" type="text" name="${field.name}" maxlength="${field.maxlength}" value="${value}"${field.placeholder ? html` placeholder="${field.placeholder}"` : ''} autocomplete="off" spellcheck="false"${note.attributes}>
${note.notes}`;
}

const idsCommand = "gh api repos/OWNER/REPO --jq '.id, .owner.id'";
const uidCommand = "kubectl get serviceaccount NAME -n NAMESPACE -o jsonpath='{.metadata.uid}'";

/**
 * The add form, filled with `values`, each refusal beside its field. Both kinds' fields are in
 * the page and the radio button says which are read; where the browser knows `:has()`, the
 * other kind's fields are hidden by the stylesheet alone (layout.ts), no script.
 */
export function publisherForm(scope: TokenFormScope, csrf: string, values: PublisherFormValues, errors: FieldErrors = {}): RawHtml {
  const { resource } = scope;
  const issuers = resource.selfService?.publisherIssuers ?? [];
  const issuer = described('publisher-issuer', "Who signs the CI job's own OIDC token: the issuers an admin allows for this API.", errors.issuer);
  const field = (kind: PublisherKind, spec: TextField) =>
    textField(values.kind === kind ? (values.identity[spec.name] ?? '') : '', errors[`${kind}.${spec.name}`], spec);
  const kindChoice = (kind: PublisherKind, label: string) =>
    html`<label class="check" for="publisher-kind-${kind}"><input id="publisher-kind-${kind}" type="radio" name="kind" value="${kind}"${values.kind === kind ? html` checked` : ''}> ${label}</label>`;

  return html`<form method="post" action="${resourcePath(resource.identifier)}/publishers#new-publisher" class="publisher-form">
${csrfField(csrf)}
${errors.form ? html`<p class="alert" role="alert">${errors.form}</p>` : ''}
${descriptionField('publisher-', 'What the binding is for: "release workflow", "nightly sync".', values.description, errors.description)}
<label for="publisher-issuer">CI issuer</label>
<select id="publisher-issuer" name="issuer"${issuer.attributes}>
${issuers.map((url) => html`<option value="${url}"${url === values.issuer ? html` selected` : ''}>${issuerLabel(url)}</option>`)}
</select>
${issuer.notes}
<fieldset>
<legend>The CI identity</legend>
${kindChoice('github_actions', 'A GitHub Actions repository')}
${kindChoice('kubernetes', 'A Kubernetes service account')}
</fieldset>
<fieldset class="identity" id="github-actions-fields" aria-describedby="github-ids-hint">
<legend>GitHub Actions repository</legend>
<p class="hint" id="github-ids-hint">Matched by its numeric ids, which GitHub never gives another repository: a name can be taken by anyone once the repository is deleted or renamed. Find both with <code>${idsCommand}</code> (the first line is the repository id, the second the owner id).</p>
${field('github_actions', { name: 'repository_id', label: 'Repository id', required: true, maxlength: 20, hint: 'The repository_id claim: digits, not a name.' })}
${field('github_actions', { name: 'repository_owner_id', label: 'Owner id', required: true, maxlength: 20, hint: 'The repository_owner_id claim: the user or organisation, by its number.' })}
${field('github_actions', { name: 'repository', label: 'Repository (OWNER/REPO)', maxlength: 200, hint: 'For people to read; never compared.' })}
${field('github_actions', { name: 'job_workflow_ref', label: 'Workflow', maxlength: 512, placeholder: 'OWNER/REPO/.github/workflows/release.yml@refs/heads/main', hint: 'Only this workflow file at this ref (the job_workflow_ref claim, exactly).' })}
${field('github_actions', { name: 'ref', label: 'Git ref', maxlength: 255, placeholder: 'refs/heads/main', hint: 'Only jobs on this branch or tag.' })}
${field('github_actions', { name: 'environment', label: 'Environment', maxlength: 255, hint: "Only jobs in this deployment environment (combine it with GitHub's protection rules)." })}
</fieldset>
<fieldset class="identity" id="kubernetes-fields">
<legend>Kubernetes service account</legend>
${field('kubernetes', { name: 'namespace', label: 'Namespace', required: true, maxlength: 63 })}
${field('kubernetes', { name: 'service_account', label: 'Service account', required: true, maxlength: 253 })}
${field('kubernetes', { name: 'uid', label: 'Service account uid', required: true, maxlength: 36, hint: html`A service account created again under the same name gets another uid, and no binding. Find it with <code>${uidCommand}</code>.` })}
</fieldset>
${textField(values.audience, errors.audience, { name: 'audience', label: 'Audience', maxlength: 512, hint: "The aud the CI job asks its token for. Leave empty for tollgate's own address, as the snippet shown after adding does." })}
${rightsFields(scope, values, errors, { prefix: 'publisher-', what: 'CI job' })}
<div class="actions"><button type="submit">Add trusted publisher</button></div>
</form>`;
}
