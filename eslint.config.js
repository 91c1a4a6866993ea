import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {ignores: ['**/dist/**', '**/node_modules/**', 'oclif.manifest.json', 'coverage/**', 'docs/examples/**/node_modules/**']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {globals: {process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextDecoder: 'readonly', TextEncoder: 'readonly', fetch: 'readonly', Response: 'readonly', structuredClone: 'readonly', performance: 'readonly', queueMicrotask: 'readonly', setImmediate: 'readonly'}},
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  // The layers (issue 15), kept by test/architecture/layers.test.ts: static and dynamic imports alike.
  ...layer(['src/core/store/**/*.ts', 'src/core/router/**/*.ts', 'src/core/tools/**/*.ts'], '(^|/)cli/', 'store, router and tools never import CLI helpers (src/core/cli): presentation belongs to the CLI layer', {
    // Presentation of `cto perf` that moves to the CLI layer with issue 13's store (src/core/store is being rewritten there).
    ignores: ['src/core/store/perf-report.ts'],
  }),
  ...layer(['src/core/providers/**/*.ts'], '(^|/)config/', 'providers never import config: a provider is what its plugin declares; config is applied in src/core/models'),
  ...layer(['plugins/*/src/**/*.ts', 'docs/plugin-example/**/*.{js,ts}'], '^(?!@cto-cli/provider-spec(/v[0-9]+)?$)', 'a provider plugin imports only @cto-cli/provider-spec: the factories reach it in the hook options'),
)

/** A layer rule: files that must not import a module whose specifier matches `regex`. */
function layer(files, regex, message, extra = {}) {
  return [
    {
      files,
      ...extra,
      rules: {
        'no-restricted-imports': ['error', {patterns: [{regex, message}]}],
        'no-restricted-syntax': ['error', {selector: `ImportExpression[source.value=/${regex.replaceAll('/', '\\/')}/]`, message}],
      },
    },
  ]
}
