import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // The pure core runs in workers, the CLI, tests and the renderer alike: no runtime-specific imports.
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'os', 'worker_threads', 'child_process'], message: 'src/shared is pure: no Node modules.' },
            { group: ['electron', 'ws', 'better-sqlite3', 'pg', 'react', 'zustand'], message: 'src/shared is pure: no runtime libraries.' },
            { group: ['**/engine/**', '**/main/**', '**/renderer/**', '**/cli/**'], message: 'src/shared imports nothing above it.' },
          ],
        },
      ],
    },
  },
);
