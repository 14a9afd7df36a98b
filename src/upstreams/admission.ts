import type { UpstreamSettings } from '../config/upstream-schema.ts';
import type { UpstreamProfile } from './upstream.ts';

interface Rule {
  passes: boolean;
  /** Who the rule admits, in words: "verified email addresses in acme.test". */
  admits: string;
  /** Why it keeps someone out, when it is the one rule that does. */
  refusal: string;
}

/**
 * Why the upstream's admission rules keep this person out, in words for the refusal page, or
 * undefined when they are admitted. A domain rule trusts only a verified email; a group, org or
 * team rule admits members of at least one listed. `match: all` (the default) needs every
 * configured rule to pass, `match: any` one of them.
 */
export function admissionRefusal(settings: UpstreamSettings, profile: UpstreamProfile): string | undefined {
  const rules = admissionRules(settings, profile);
  const failed = rules.filter((rule) => !rule.passes);
  if (failed.length === 0 || (settings.admission.match === 'any' && failed.length < rules.length)) return undefined;
  if (settings.admission.match === 'all' || rules.length === 1) return `Sign-in through ${settings.name} is open to ${(failed[0] as Rule).refusal}.`;
  return `Sign-in through ${settings.name} is open only to ${failed.map((rule) => rule.admits).join(', or to ')}.`;
}

function admissionRules(settings: UpstreamSettings, profile: UpstreamProfile): Rule[] {
  const rules: Rule[] = [];
  const { emailDomains } = settings.admission;
  if (emailDomains.length > 0) {
    const domain = profile.emailVerified ? profile.email?.split('@').pop() : undefined;
    rules.push({
      passes: domain !== undefined && emailDomains.some((allowed) => allowed.toLowerCase() === domain),
      admits: `verified email addresses in ${emailDomains.join(', ')}`,
      refusal: `verified email addresses in ${emailDomains.join(', ')} only`,
    });
  }
  const required = settings.type === 'oidc' ? settings.admission.groups : [...settings.admission.orgs, ...settings.admission.teams];
  if (required.length > 0) {
    const what = settings.type === 'oidc' ? 'groups' : 'organisations or teams';
    rules.push({
      passes: required.some((group) => profile.groups.includes(group)),
      admits: `members of these ${what}: ${required.join(', ')}`,
      refusal: `members of these ${what} only: ${required.join(', ')}`,
    });
  }
  return rules;
}
