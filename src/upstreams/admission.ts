import type { UpstreamSettings } from '../config/upstream-schema.ts';
import type { UpstreamProfile } from './upstream.ts';

/**
 * Why the upstream's admission rules keep this person out, in words for the refusal page, or
 * undefined when they are admitted. A domain rule trusts only a verified email; group, org and
 * team rules admit members of at least one listed.
 */
export function admissionRefusal(settings: UpstreamSettings, profile: UpstreamProfile): string | undefined {
  const { emailDomains } = settings.admission;
  if (emailDomains.length > 0) {
    const domain = profile.emailVerified ? profile.email?.split('@').pop() : undefined;
    if (!domain || !emailDomains.some((allowed) => allowed.toLowerCase() === domain)) {
      return `Sign-in through ${settings.name} is open to verified email addresses in ${emailDomains.join(', ')} only.`;
    }
  }
  const required = settings.type === 'oidc' ? settings.admission.groups : [...settings.admission.orgs, ...settings.admission.teams];
  if (required.length > 0 && !required.some((group) => profile.groups.includes(group))) {
    const what = settings.type === 'oidc' ? 'groups' : 'organisations or teams';
    return `Sign-in through ${settings.name} is open to members of these ${what} only: ${required.join(', ')}.`;
  }
  return undefined;
}
