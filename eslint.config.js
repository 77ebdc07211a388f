import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importLayers } from './lint/import-layers.js';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test-results/', 'playwright-report/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use the run PRNG (src/shared/prng.ts).' },
      ],
    },
  },
  {
    files: ['bench/**/*.mjs', 'tests/fixtures/**/*.mjs', '.ci/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
  },
  // Who may import whom: the layers of docs/ARCHITECTURE.md's map.
  ...importLayers,
);
