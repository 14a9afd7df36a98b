import type { AppError } from '../errors.ts';
import { html, type RawHtml } from '../pages/html.ts';
import type { Form } from '../pages/read-form.ts';
import type { MaxPriority } from '../principals/max-priority.ts';
import type { ResourceServerRecord } from '../resources/resource-server-record.ts';
import { noSelfService } from '../resources/self-service-policy.ts';

/**
 * A message per field, keyed by the field's name in the form (`description`, `scopes`,
 * `priority:<queue>`, ...); `form` for what belongs to no field.
 */
export type FieldErrors = Record<string, string>;

/** A form as its reader makes it out: the values as typed (to fill it again), and the service's input, or the refusals. */
export interface ReadForm<V, I> {
  values: V;
  input?: I;
  errors: FieldErrors;
}

/** What a form of the resource's page offers: the resource's policy and what the person holds themselves. */
export interface TokenFormScope {
  resource: ResourceServerRecord;
  creatorMap: MaxPriority | undefined;
  now?: number;
}

/** The scopes and priorities as typed: shown again, unchanged, when something in the form is refused. */
export interface RightsValues {
  scopes: string[];
  /** Queue -> the priority typed (possibly empty). */
  priorities: Record<string, string>;
}

export const allowedScopes = (resource: ResourceServerRecord) => (resource.selfService ?? noSelfService).scopes ?? resource.scopes;
const ceilingQueues = (resource: ResourceServerRecord) => Object.entries(resource.selfService?.maxPriority ?? {});

/** A message as a sentence: a capital (unless it starts with a URL, kept as written) and a full stop. */
export const sentence = (text: string) =>
  `${/^[a-z][a-z0-9+.-]*:\/\//.test(text) ? text : `${text.charAt(0).toUpperCase()}${text.slice(1)}`}${/[.!?]$/.test(text) ? '' : '.'}`;

/** The checked scopes and typed priorities; whole numbers only (what the policy allows is checked by the call). */
export function readRights(form: Form, resource: ResourceServerRecord): { values: RightsValues; maxPriority: Record<string, number>; errors: FieldErrors } {
  const values: RightsValues = {
    scopes: allowedScopes(resource).filter((scope) => form[`scope:${scope}`] !== undefined),
    priorities: Object.fromEntries(ceilingQueues(resource).map(([queue]) => [queue, (form[`priority:${queue}`] ?? '').trim()])),
  };
  const errors: FieldErrors = {};
  const maxPriority: Record<string, number> = {};
  for (const [queue, typed] of Object.entries(values.priorities)) {
    if (typed === '') continue;
    if (/^\d{1,9}$/.test(typed)) maxPriority[queue] = Number(typed);
    else errors[`priority:${queue}`] = 'A whole number, 0 or more, or nothing for no priority on this queue.';
  }
  return { values, maxPriority, errors };
}

/**
 * A refusal of a create or add call (`invalid_field`), as the message beside its field:
 * `max_priority.<queue>` beside the queue's priority, `expires_at` beside the day, one of
 * `fields` beside itself, anything else above the form.
 */
export function fieldErrorOf(error: AppError, fields: readonly string[]): FieldErrors {
  const field = error.field ?? '';
  const reason = error.message.startsWith(`${field}: `) ? error.message.slice(field.length + 2) : error.message;
  // The policy speaks of the field ("is in the past", "above your own ..."): the page names it.
  const about = (subject: string) => sentence(/^(is|above) /.test(reason) ? `${subject} ${reason.startsWith('above') ? 'is ' : ''}${reason}` : reason);
  if (field.startsWith('max_priority.')) return { [`priority:${field.slice('max_priority.'.length)}`]: about('this priority') };
  if (field === 'expires_at') return { expires: about('this day') };
  if (fields.includes(field)) return { [field]: sentence(reason) };
  return { form: sentence(reason) };
}

/** One field's hint and error, and the attributes that tie them to its input. */
export function described(id: string, hint: string | RawHtml | undefined, error: string | undefined) {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return {
    attributes: html`${ids ? html` aria-describedby="${ids}"` : ''}${error ? html` aria-invalid="true"` : ''}`,
    notes: html`${hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : ''}${error ? html`<p class="field-error" id="${id}-error">${error}</p>` : ''}`,
  };
}

/** The description a form that hands rights to a CI job asks for (required, at most 200 characters): its id starts with `prefix`. */
export function descriptionField(prefix: string, hint: string, value: string, error: string | undefined): RawHtml {
  const id = `${prefix}description`;
  const note = described(id, hint, error);
  return html`<label for="${id}">Description</label>
<input id="${id}" type="text" name="description" required maxlength="200" value="${value}"${note.attributes}>
${note.notes}`;
}

/**
 * The scopes and priority fieldsets of a form that hands rights to a CI job (a token, a trusted
 * publisher): ids start with `prefix`, so two such forms can share a page.
 */
export function rightsFields(
  { resource, creatorMap }: TokenFormScope,
  values: RightsValues,
  errors: FieldErrors,
  { prefix, what }: { prefix: string; what: string },
): RawHtml {
  const scopes = allowedScopes(resource);
  const scopesNote = described(
    `${prefix}scopes`,
    scopes.length ? `What the ${what} may do on this API.` : `This API allows a ${what} no scope.`,
    errors.scopes,
  );
  const queues = ceilingQueues(resource);
  return html`<fieldset${scopesNote.attributes}>
<legend>Scopes</legend>
${scopes.map((name, index) => html`<label class="check" for="${prefix}scope-${index}"><input id="${prefix}scope-${index}" type="checkbox" name="scope:${name}"${values.scopes.includes(name) ? html` checked` : ''}> ${name}</label>`)}
${scopesNote.notes}
</fieldset>
${
  queues.length
    ? html`<fieldset>
<legend>Priority (max_priority)</legend>
${queues.map(([queue, ceiling], index) => {
  const own = creatorMap?.[queue];
  const note = described(
    `${prefix}priority-${index}`,
    own === undefined
      ? `This API allows up to ${ceiling}, but you hold no priority on ${queue} yourself.`
      : `Up to ${Math.min(ceiling, own)}: this API allows ${ceiling}, you hold ${own}. Empty for none.`,
    errors[`priority:${queue}`],
  );
  return html`<label for="${prefix}priority-${index}">Queue ${queue}</label>
<input id="${prefix}priority-${index}" type="number" name="priority:${queue}" min="0" step="1" inputmode="numeric" value="${values.priorities[queue] ?? ''}"${note.attributes}>
${note.notes}`;
})}
</fieldset>`
    : ''
}`;
}
