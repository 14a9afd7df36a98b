/** Where the maintainers' token pages live (src/token-pages/); the upstream sign-in pages link back to them. */
export const tokenPagesPrefix = '/tokens';
