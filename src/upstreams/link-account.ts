import { randomUUID } from 'node:crypto';

import type { AccountRecord, LinkedIdentity } from '../accounts/account-record.ts';
import type { AccountStore } from '../accounts/account-store.ts';
import type { UpstreamSettings } from '../config/upstream-schema.ts';
import { username as usernameShape } from '../principals/identifiers.ts';
import { admissionRefusal } from './admission.ts';
import type { TokenSealer } from './token-sealer.ts';
import type { UpstreamProfile } from './upstream.ts';

export type SignInOutcome = { account: AccountRecord } | { refused: string };

/**
 * The tollgate account a person who just signed in upstream gets (SPEC §13): the one their
 * identity (upstream, subject) is linked to; else, per the upstream's provisioning, a new one
 * ("jit") or an existing one matched by username or verified email ("existing"). Admission
 * rules come first; the identity's groups, claims and credential are stored on every sign-in.
 */
export async function signInAccount(
  deps: { accounts: AccountStore; sealer: TokenSealer },
  settings: UpstreamSettings,
  profile: UpstreamProfile,
  now = new Date(),
): Promise<SignInOutcome> {
  const refusal = admissionRefusal(settings, profile);
  if (refusal) return { refused: refusal };
  const { accounts } = deps;
  const identity = linkedIdentity(deps.sealer, settings, profile, now);

  let account = await accounts.findByIdentity(settings.id, profile.subject);
  if (account) {
    identity.linkedAt =
      account.identities?.find((linked) => linked.upstream === settings.id && linked.subject === profile.subject)?.linkedAt ?? identity.linkedAt;
  } else if (settings.provisioning === 'existing') {
    account = await existingAccount(accounts, profile);
    if (!account)
      return { refused: `There is no tollgate account for you yet. Ask an administrator to create one, then sign in through ${settings.name} again.` };
  } else {
    const created = await createAccount(accounts, settings, profile, identity, now);
    if (created) return { account: created };
    // A sign-in of the same person in another window may have created it just now.
    account = await accounts.findByIdentity(settings.id, profile.subject);
    if (!account)
      return {
        refused: `No account could be created for you: the username is taken, or you are signing in in another window. Try again, or ask an administrator to link your ${settings.name} identity.`,
      };
  }
  if (account.disabled) return { refused: 'Your tollgate account is disabled.' };
  if (!(await accounts.link(account, identity))) return { refused: `Your ${settings.name} identity is linked to another account.` };
  return { account };
}

/** The identity as stored: groups and rule claims of this sign-in, the credential sealed. */
export function linkedIdentity(sealer: TokenSealer, settings: UpstreamSettings, profile: UpstreamProfile, now: Date): LinkedIdentity {
  return {
    upstream: settings.id,
    subject: profile.subject,
    ...(profile.username ? { username: profile.username } : {}),
    ...(profile.email ? { email: profile.email } : {}),
    groups: profile.groups,
    ...(Object.keys(profile.claims).length ? { claims: profile.claims } : {}),
    linkedAt: now.toISOString(),
    checkedAt: now.toISOString(),
    ...(profile.credential ? { sealedCredential: sealer.seal(profile.credential) } : {}),
  };
}

async function existingAccount(accounts: AccountStore, profile: UpstreamProfile): Promise<AccountRecord | undefined> {
  if (profile.username) {
    const byUsername = await accounts.findByUsername(profile.username);
    if (byUsername) return byUsername;
  }
  // An unverified email could be anyone's: it never links (SPEC §13).
  if (!profile.emailVerified || !profile.email) return undefined;
  // A scan, not an index: linking by email happens once per person, at their first sign-in.
  const email = profile.email;
  const matches = (await accounts.list()).filter((account) => account.email?.toLowerCase() === email);
  return matches.length === 1 ? matches[0] : undefined;
}

/**
 * A just-in-time account. It never takes over an existing username (that would hand someone
 * else's account to whoever controls the upstream username): a taken one gets the upstream id
 * as a suffix, and if that is taken too, nothing is created.
 */
async function createAccount(
  accounts: AccountStore,
  settings: UpstreamSettings,
  profile: UpstreamProfile,
  identity: LinkedIdentity,
  now: Date,
): Promise<AccountRecord | undefined> {
  const wanted = profile.username && usernameShape.safeParse(profile.username).success ? profile.username : `${settings.id}-${profile.subject}`.slice(0, 128);
  for (const username of [wanted, `${wanted}@${settings.id}`.slice(0, 128)]) {
    const record: AccountRecord = {
      id: randomUUID(),
      username,
      passwordHash: '',
      ...(profile.name ? { name: profile.name.slice(0, 200) } : {}),
      ...(profile.email && profile.emailVerified ? { email: profile.email } : {}),
      identities: [identity],
      disabled: false,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    if (await accounts.create(record)) return record;
    if (await accounts.findByIdentity(settings.id, profile.subject)) return undefined;
  }
  return undefined;
}
