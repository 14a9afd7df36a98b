/**
 * On reuse detection and on revocation, oidc-provider revokes a grant's tokens and then, by
 * default, deletes the grant record. We keep the record: the storage marks the grant revoked
 * instead (`Storage.isGrantRevoked`), which stops every token of it just as well. Deleting the
 * record could fail the one legitimate winner of N concurrent device-code redemptions, which
 * looks its grant up only after consuming the code (SPEC §4: exactly one success).
 */
export const keepRevokedGrantRecords = () => false;
