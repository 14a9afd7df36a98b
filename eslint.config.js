import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'packages/*/dist/', 'node_modules/', 'artifacts/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      'no-console': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/cli/**', 'bench/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
  // oidc-provider beyond its documented API is reached from src/provider/provider-internals.ts
  // only (issue 13.1): a new dependency on its internals must land there, beside the file it reads.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/provider/provider-internals.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['oidc-provider/*'], message: 'oidc-provider internals go through src/provider/provider-internals.ts' }] }],
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[property.name='prototype'][object.property.name='Client']", message: 'patching oidc-provider models goes in src/provider/provider-internals.ts' },
        { selector: "MemberExpression[property.name=/^(compareClientSecret|error_detail)$/]", message: 'oidc-provider internals go through src/provider/provider-internals.ts' },
        { selector: "MemberExpression[property.name='deviceCode'][object.name='details']", message: 'the interaction\'s device code goes through src/provider/provider-internals.ts' },
        { selector: "MemberExpression[property.name='state'][object.property.name='session']", message: "oidc-provider's session state goes through src/provider/provider-internals.ts" },
        { selector: 'Literal[value=/is not allowed for this client|no client authentication mechanism|xsrf|device form details|previously persisted Sessions/]', message: "matching oidc-provider's English error descriptions goes in src/provider/provider-internals.ts" },
        { selector: 'Literal[value=/^(NoCodeError|NotFoundError|ExpiredError|AlreadyUsedError|AbortedError)$/]', message: "oidc-provider's internal error class names go in src/provider/provider-internals.ts" },
        { selector: "TSAsExpression[typeAnnotation.typeName.name='Koa']", message: 'treating the provider as a koa app goes in src/provider/provider-internals.ts' },
      ],
    },
  },
);
