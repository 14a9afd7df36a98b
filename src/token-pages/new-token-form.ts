import { html, type RawHtml } from '../pages/html.ts';
import type { Form } from '../pages/read-form.ts';
import { noSelfService } from '../resources/self-service-policy.ts';
import { newResourceToken, type NewResourceToken } from '../resource-tokens/resource-token-input.ts';
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

/** The form as typed: shown again, unchanged, when something in it is refused. */
export interface TokenFormValues extends RightsValues {
  description: string;
  /** YYYY-MM-DD: the token stops working at 00:00 UTC that day. */
  expires: string;
}

/** The fields a refusal of the create call may name beside themselves (rights-fields.ts: fieldErrorOf). */
export const tokenFormFields = ['description', 'scopes'] as const;

const dayMs = 86400_000;
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const defaultLifetimeDays = 90;

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
export function readTokenForm(form: Form, { resource }: TokenFormScope): ReadForm<TokenFormValues, NewResourceToken> {
  const rights = readRights(form, resource);
  const values: TokenFormValues = { description: (form.description ?? '').slice(0, 400), expires: (form.expires ?? '').trim(), ...rights.values };
  const errors: FieldErrors = { ...rights.errors };
  const expires = /^\d{4}-\d{2}-\d{2}$/.test(values.expires) ? Date.parse(`${values.expires}T00:00:00Z`) : NaN;
  if (Number.isNaN(expires)) errors.expires = 'Choose the day the token stops working.';
  const parsed = newResourceToken.safeParse({
    description: values.description,
    scopes: values.scopes,
    max_priority: rights.maxPriority,
    expires_at: Number.isNaN(expires) ? '' : new Date(expires).toISOString(),
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key =
        issue.path[0] === 'description'
          ? 'description'
          : issue.path[0] === 'max_priority'
            ? `priority:${String(issue.path[1])}`
            : issue.path[0] === 'scopes'
              ? 'scopes'
              : 'expires';
      errors[key] ??= sentence(issue.message);
    }
  }
  return Object.keys(errors).length || !parsed.success ? { values, errors } : { values, input: parsed.data, errors };
}

/** The create form, filled with `values`, each refusal beside its field. */
export function tokenForm(scope: TokenFormScope, csrf: string, values: TokenFormValues, errors: FieldErrors = {}): RawHtml {
  const range = dateRange(scope);
  const expires = described('expires', `It stops working at 00:00 UTC that day; at most ${range.days} days from now.`, errors.expires);

  // The anchor brings a form sent back with its errors into view, without a script.
  return html`<form method="post" action="${resourcePath(scope.resource.identifier)}/tokens#new-token">
${csrfField(csrf)}
${errors.form ? html`<p class="alert" role="alert">${errors.form}</p>` : ''}
${descriptionField('', 'What it is for, so the next maintainer knows: "release workflow", "nightly upload".', values.description, errors.description)}
<label for="expires">Expires on</label>
<input id="expires" type="date" name="expires" required min="${range.min}" max="${range.max}" value="${values.expires}"${expires.attributes}>
${expires.notes}
${rightsFields(scope, values, errors, { prefix: '', what: 'token' })}
<div class="actions"><button type="submit">Make token</button></div>
</form>`;
}
