import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** What tollgate and its tests may import from 'oidc-provider' itself: its documented API (docs/README.md, types/index.d.ts). */
const documentedOidcProviderExports = [
  'default',
  'Provider',
  'errors',
  'Configuration',
  'KoaContextWithOIDC',
  'Adapter',
  'AdapterPayload',
  'Account',
  'FindAccount',
  'Client',
  'ClientMetadata',
  'ResourceServer',
  'TokenEndpointGrantContext',
  // features.externalSigningSupport (docs/README.md): store-mode keys sign through it.
  'ExternalSigningKey',
];

/** Every way into oidc-provider's internals other than an import, refused outside provider-internals.ts. */
const fence = [
  {
    selector: 'Literal[value=/(^|\\/)oidc-provider\\/(?!package\\.json$)|node_modules\\/oidc-provider/]',
    message: 'a path into oidc-provider (by name or through node_modules) goes through src/kernel/provider-internals.ts',
  },
  {
    selector: 'TemplateElement[value.raw=/(^|\\/)oidc-provider\\/|node_modules\\/oidc-provider/]',
    message: 'a path into oidc-provider (by name or through node_modules) goes through src/kernel/provider-internals.ts',
  },
  {
    selector: "ImportExpression[source.type!='Literal']",
    message: 'import() takes a literal module name here: a computed one could reach oidc-provider internals past the fence',
  },
  {
    selector: "CallExpression[callee.name='require'][arguments.0.type!='Literal']",
    message: 'require() takes a literal module name here: a computed one could reach oidc-provider internals past the fence',
  },
  {
    selector: "VariableDeclarator[init.callee.name='createRequire'][id.name!='require']",
    message: 'a function made by createRequire is named require, so that the fence sees what it loads',
  },
  {
    selector: "CallExpression[callee.type='CallExpression'][callee.callee.name='createRequire'][arguments.0.type!='Literal']",
    message: 'require() takes a literal module name here: a computed one could reach oidc-provider internals past the fence',
  },
  {
    selector: "MemberExpression[property.name='prototype']",
    message: 'patching a prototype (oidc-provider models: Session, Client, Grant...) goes in src/kernel/provider-internals.ts',
  },
  {
    selector: 'CallExpression[callee.property.name=/^(defineProperty|defineProperties|setPrototypeOf|__defineGetter__|__defineSetter__)$/]',
    message: "redefining properties of objects (koa's request, a provider model) goes in src/kernel/provider-internals.ts",
  },
  { selector: "MemberExpression[property.name='middleware']", message: "oidc-provider's koa middleware array goes through src/kernel/provider-internals.ts" },
  {
    selector: "MemberExpression[object.name='provider'][property.name=/^(app|request|response|context|keys)$/]",
    message: 'the provider as a koa app goes through src/kernel/provider-internals.ts',
  },
  {
    selector: 'MemberExpression[property.name=/^(_matchedRoute|_matchedRouteName|routerName|routerPath|router)$/]',
    message: "oidc-provider's router goes through src/kernel/provider-internals.ts",
  },
  {
    selector: 'AssignmentExpression > MemberExpression.left[property.name=/^(req|request)$/]',
    message: 'replacing the request oidc-provider reads goes through src/kernel/provider-internals.ts',
  },
  {
    selector: 'MemberExpression[property.name=/^(compareClientSecret|error_detail)$/]',
    message: 'oidc-provider internals go through src/kernel/provider-internals.ts',
  },
  {
    selector: 'Literal[value=/is not allowed for this client|no client authentication mechanism|xsrf|device form details|previously persisted Sessions/]',
    message: "matching oidc-provider's English error descriptions goes in src/kernel/provider-internals.ts",
  },
  {
    selector: 'Literal[value=/^(NoCodeError|NotFoundError|ExpiredError|AlreadyUsedError|AbortedError)$/]',
    message: "oidc-provider's internal error class names go in src/kernel/provider-internals.ts",
  },
  { selector: "TSAsExpression[typeAnnotation.typeName.name='Koa']", message: 'treating the provider as a koa app goes in src/kernel/provider-internals.ts' },
  {
    selector: "ClassDeclaration[superClass.object.name='errors']",
    message: "subclassing oidc-provider's error classes goes in src/kernel/provider-internals.ts",
  },
  {
    selector: "ClassExpression[superClass.object.name='errors']",
    message: "subclassing oidc-provider's error classes goes in src/kernel/provider-internals.ts",
  },
];

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
  // The fence (issue 13.1, issue 23.2): oidc-provider beyond its documented API is reached from
  // src/kernel/provider-internals.ts only, which gives every other module a narrow typed
  // interface and names the oidc-provider file each part was read from. It is an allowlist:
  // from the package itself only the documented exports below may be imported, and every other
  // way in (a subpath, a path into node_modules, a require or import whose target is computed,
  // patching a prototype, koa's middleware array or request prototype, the router's
  // bookkeeping, swapping the request the provider reads) is refused in src/, test/ and bench/.
  // A new dependency on oidc-provider's internals lands in provider-internals.ts, beside the
  // file it reads, and test/kernel/provider-internals.test.ts pins the version it was read in.
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    ignores: ['src/kernel/provider-internals.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'oidc-provider',
              allowImportNames: documentedOidcProviderExports,
              message: 'only the documented API of oidc-provider is imported from it; anything else goes through src/kernel/provider-internals.ts',
            },
          ],
          patterns: [
            { group: ['oidc-provider/*'], message: 'oidc-provider internals go through src/kernel/provider-internals.ts' },
            { group: ['**/node_modules/**'], message: 'import packages by name, not by a path into node_modules' },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        ...fence,
        {
          selector: "MemberExpression[property.name='state'][object.property.name='session']",
          message: "oidc-provider's session state goes through src/kernel/provider-internals.ts",
        },
        {
          selector: "MemberExpression[property.name='deviceCode'][object.name='details']",
          message: "the interaction's device code goes through src/kernel/provider-internals.ts",
        },
      ],
    },
  },
  // The benchmark's baseline is a plain oidc-provider, tollgate's yardstick: it uses the package as
  // any application would (Provider, its models, callback()), through its documented API only; so
  // the fence applies to it as to the rest, but it is not tollgate code and need not go through
  // provider-internals.ts, which would tie the yardstick to what it measures.
);
