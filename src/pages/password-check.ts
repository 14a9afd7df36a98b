import type { AccountRecord } from '../accounts/account-record.ts';
import type { AccountStore } from '../accounts/account-store.ts';
import type { SecurityEventDetails, SecurityEvents } from '../security/security-events.ts';
import { accountKey, type Attempt, type AttemptLimits } from './attempt-limits.ts';
import type { Form } from './read-form.ts';

export interface PasswordCheckDeps {
  accounts: AccountStore;
  limits: AttemptLimits;
  securityEvents: SecurityEvents;
}

/** Signed in; the form to show again with its error and the username typed; or too many attempts. */
export type PasswordOutcome = { account: AccountRecord } | { error: string; username: string } | { retryAfterSeconds: number };

// One message for an unknown username and a wrong password: the page must not tell them apart.
const wrongCredentials = 'Wrong username or password.';

/**
 * A sign-in form's username and password, as every page that signs people in checks them:
 * attempts counted per IP and per account (RFC 8628 §5.1, shared by every process), one
 * answer for every wrong pair, a security event either way, and a success given back.
 */
export async function checkPassword(
  { accounts, limits, securityEvents }: PasswordCheckDeps,
  form: Form,
  where: SecurityEventDetails & { ip: string },
): Promise<PasswordOutcome> {
  const username = (form.username ?? '').trim().slice(0, 256);
  const password = (form.password ?? '').slice(0, 1024);
  if (!username || !password) return { error: 'Enter your username and password.', username };

  const attempts: Attempt[] = [
    ['passwordPerIp', where.ip],
    ['passwordPerAccount', accountKey(username)],
  ];
  const limited = await limits.hit(attempts);
  if (limited) {
    securityEvents.emit('rate_limit.hit', { ...where, limit: 'password' });
    return limited;
  }

  const account = await accounts.authenticate(username, password);
  // The username typed is not logged: people type passwords into it.
  if (!account) {
    securityEvents.emit('sign_in.failed', where);
    return { error: wrongCredentials, username };
  }
  securityEvents.emit('sign_in.succeeded', { ...where, accountId: account.id });
  await limits.refund(attempts);
  return { account };
}
