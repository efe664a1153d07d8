// Lint for the TypeScript sources, tests, benchmarks and scripts (flat config, typescript-eslint's recommended rules).
// Formatting is not linted. `npm test` runs this before jest and fails on errors; warnings are reported only.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'openapi/', 'coverage/', '.dockube/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
      },
    },
    rules: {
      // The sources have no `any` but strategies' loose JSON view (`J`, disabled where declared).
      '@typescript-eslint/no-explicit-any': 'error',
      // A handler assigned after the listener that reads it (exec sessions' early messages) stays a let.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // A leading underscore marks what is unused on purpose (destructuring a field away, a handler's fixed arity).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    // Tests poke at loosely shaped responses; `any` there is reported, not refused.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'conformance/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'warn' },
  },
);
