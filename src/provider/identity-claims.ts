/**
 * The OpenID Connect scopes tollgate answers and the account claims each one releases (OIDC
 * Core §5.4). `profile` puts the username and display name in the ID token, so that a CLI can
 * say who logged in; access tokens never carry them (RFC 9068 claims and `max_priority` only).
 */
export const oidcScopes = ['openid', 'offline_access', 'profile'];

/** oidc-provider's `claims`: its defaults (claims tied to no scope, and `sub`), plus `profile`. */
export const oidcClaims = {
  acr: null,
  sid: null,
  auth_time: null,
  iss: null,
  openid: ['sub'],
  profile: ['preferred_username', 'name'],
};
