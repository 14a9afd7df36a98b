/**
 * Which check a jwt-bearer assertion failed. The code goes into the `invalid_grant` description
 * and the log line; the assertion itself never does.
 */
export type AssertionCheck =
  | 'malformed'
  | 'algorithm'
  | 'untrusted_issuer'
  | 'issuer_not_federated'
  | 'issuer_unavailable'
  | 'unknown_key'
  | 'signature'
  | 'expired'
  | 'not_yet_valid'
  | 'issued_at'
  | 'lifetime'
  | 'subject'
  | 'audience'
  | 'condition';

/** A refused assertion; `issuer` is the token's (unverified) `iss` when it had one. */
export class AssertionError extends Error {
  readonly code: AssertionCheck;
  readonly issuer: string | undefined;
  override name = 'AssertionError';

  constructor(code: AssertionCheck, message: string, issuer?: string) {
    super(message);
    this.code = code;
    this.issuer = issuer;
  }
}
