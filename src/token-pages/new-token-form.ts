import type { AppError } from '../errors.ts';
import { html, type RawHtml } from '../pages/html.ts';
import type { Form } from '../pages/read-form.ts';
import type { MaxPriority } from '../principals/max-priority.ts';
import type { ResourceServerRecord } from '../resources/resource-server-record.ts';
import { noSelfService } from '../resources/self-service-policy.ts';
import { newResourceToken, type NewResourceToken } from '../resource-tokens/resource-token-input.ts';
import { csrfField, resourcePath } from './page-chrome.ts';

/** The form as typed: shown again, unchanged, when something in it is refused. */
export interface TokenFormValues {
  description: string;
  /** YYYY-MM-DD: the token stops working at 00:00 UTC that day. */
  expires: string;
  scopes: string[];
  /** Queue -> the priority typed (possibly empty). */
  priorities: Record<string, string>;
}

/** A message per field: `description`, `expires`, `scopes`, `priority:<queue>`. */
export type FieldErrors = Record<string, string>;

/** What the form offers: the resource's policy and what the person holds themselves. */
export interface TokenFormScope {
  resource: ResourceServerRecord;
  creatorMap: MaxPriority | undefined;
  now?: number;
}

const dayMs = 86400_000;
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const defaultLifetimeDays = 90;

const allowedScopes = (resource: ResourceServerRecord) => (resource.selfService ?? noSelfService).scopes ?? resource.scopes;
const ceilingQueues = (resource: ResourceServerRecord) => Object.entries(resource.selfService?.maxPriority ?? {});

function dateRange({ resource, now = Date.now() }: TokenFormScope) {
  const days = (resource.selfService ?? noSelfService).maxLifetimeDays;
  return { min: isoDate(now + dayMs), max: isoDate(now + days * dayMs), days, suggested: isoDate(now + Math.min(defaultLifetimeDays, days) * dayMs) };
}

export function defaultTokenForm(scope: TokenFormScope): TokenFormValues {
  return { description: '', expires: dateRange(scope).suggested, scopes: allowedScopes(scope.resource), priorities: {} };
}

/**
 * The form as the create call takes it. Only the shape is checked here (a date, whole numbers);
 * what the policy allows is the one check every surface shares (resource-token-policy.ts), whose
 * refusals `fieldErrorOf` puts back beside the field.
 */
export function readTokenForm(form: Form, { resource }: TokenFormScope): { values: TokenFormValues; input?: NewResourceToken; errors: FieldErrors } {
  const values: TokenFormValues = {
    description: (form.description ?? '').slice(0, 400),
    expires: (form.expires ?? '').trim(),
    scopes: allowedScopes(resource).filter((scope) => form[`scope:${scope}`] !== undefined),
    priorities: Object.fromEntries(ceilingQueues(resource).map(([queue]) => [queue, (form[`priority:${queue}`] ?? '').trim()])),
  };
  const errors: FieldErrors = {};
  const expires = /^\d{4}-\d{2}-\d{2}$/.test(values.expires) ? Date.parse(`${values.expires}T00:00:00Z`) : NaN;
  if (Number.isNaN(expires)) errors.expires = 'Choose the day the token stops working.';
  const maxPriority: Record<string, number> = {};
  for (const [queue, typed] of Object.entries(values.priorities)) {
    if (typed === '') continue;
    if (/^\d{1,9}$/.test(typed)) maxPriority[queue] = Number(typed);
    else errors[`priority:${queue}`] = 'A whole number, 0 or more, or nothing for no priority on this queue.';
  }
  const parsed = newResourceToken.safeParse({
    description: values.description,
    scopes: values.scopes,
    max_priority: maxPriority,
    expires_at: Number.isNaN(expires) ? '' : new Date(expires).toISOString(),
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path[0] === 'description' ? 'description' : issue.path[0] === 'max_priority' ? `priority:${String(issue.path[1])}` : issue.path[0] === 'scopes' ? 'scopes' : 'expires';
      errors[key] ??= sentence(issue.message);
    }
  }
  return Object.keys(errors).length || !parsed.success ? { values, errors } : { values, input: parsed.data, errors };
}

/** A refusal of the create call (`invalid_field`), as the message beside its field. */
export function fieldErrorOf(error: AppError): FieldErrors {
  const field = error.field ?? '';
  const reason = error.message.startsWith(`${field}: `) ? error.message.slice(field.length + 2) : error.message;
  // The policy speaks of the field ("is in the past", "above your own ..."): the page names it.
  const about = (subject: string) => sentence(/^(is|above) /.test(reason) ? `${subject} ${reason.startsWith('above') ? 'is ' : ''}${reason}` : reason);
  if (field.startsWith('max_priority.')) return { [`priority:${field.slice('max_priority.'.length)}`]: about('this priority') };
  if (field === 'expires_at') return { expires: about('this day') };
  if (field === 'scopes' || field === 'description') return { [field]: sentence(reason) };
  return { form: sentence(reason) };
}

const sentence = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`;

/** One field's hint and error, and the attributes that tie them to its input. */
function described(id: string, hint: string | RawHtml | undefined, error: string | undefined) {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return {
    attributes: html`${ids ? html` aria-describedby="${ids}"` : ''}${error ? html` aria-invalid="true"` : ''}`,
    notes: html`${hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : ''}${error ? html`<p class="field-error" id="${id}-error">${error}</p>` : ''}`,
  };
}

/** The create form, filled with `values`, each refusal beside its field. */
export function tokenForm(scope: TokenFormScope, csrf: string, values: TokenFormValues, errors: FieldErrors = {}): RawHtml {
  const { resource, creatorMap } = scope;
  const range = dateRange(scope);
  const description = described('description', 'What it is for, so the next maintainer knows: "release workflow", "nightly upload".', errors.description);
  const expires = described('expires', `It stops working at 00:00 UTC that day; at most ${range.days} days from now.`, errors.expires);
  const scopes = allowedScopes(resource);
  const scopesNote = described('scopes', scopes.length ? 'What the token may do on this API.' : 'This API allows tokens no scope.', errors.scopes);
  const queues = ceilingQueues(resource);

  // The anchor brings a form sent back with its errors into view, without a script.
  return html`<form method="post" action="${resourcePath(resource.identifier)}/tokens#new-token">
${csrfField(csrf)}
${errors.form ? html`<p class="alert" role="alert">${errors.form}</p>` : ''}
<label for="description">Description</label>
<input id="description" type="text" name="description" required maxlength="200" value="${values.description}"${description.attributes}>
${description.notes}
<label for="expires">Expires on</label>
<input id="expires" type="date" name="expires" required min="${range.min}" max="${range.max}" value="${values.expires}"${expires.attributes}>
${expires.notes}
<fieldset${scopesNote.attributes}>
<legend>Scopes</legend>
${scopes.map((name, index) => html`<label class="check" for="scope-${index}"><input id="scope-${index}" type="checkbox" name="scope:${name}"${values.scopes.includes(name) ? html` checked` : ''}> ${name}</label>`)}
${scopesNote.notes}
</fieldset>
${queues.length ? html`<fieldset>
<legend>Priority (max_priority)</legend>
${queues.map(([queue, ceiling], index) => {
  const own = creatorMap?.[queue];
  const note = described(`priority-${index}`, own === undefined ? `This API allows up to ${ceiling}, but you hold no priority on ${queue} yourself.` : `Up to ${Math.min(ceiling, own)}: this API allows ${ceiling}, you hold ${own}. Empty for none.`, errors[`priority:${queue}`]);
  return html`<label for="priority-${index}">Queue ${queue}</label>
<input id="priority-${index}" type="number" name="priority:${queue}" min="0" step="1" inputmode="numeric" value="${values.priorities[queue] ?? ''}"${note.attributes}>
${note.notes}`;
})}
</fieldset>` : ''}
<div class="actions"><button type="submit">Make token</button></div>
</form>`;
}
