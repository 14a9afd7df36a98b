/**
 * tollgate's package exports: the client helpers of `@tollgate/client` (token source, verifier,
 * `requireToken`, bearer-token discovery), re-exported so existing imports of `tollgate` keep
 * working. An API that only verifies tokens installs `@tollgate/client` alone (its one
 * dependency is jose). The server itself is started with the `tollgate` command (or
 * `node dist/main.js`).
 *
 * @packageDocumentation
 */
export * from '@tollgate/client';
