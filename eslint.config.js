import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The engine's layers, lowest first (docs/ARCHITECTURE.md, "Layers"). A folder
// may import its own layer and the layers below it, never one above: the feed
// plumbing knows no venue, a venue knows no pipeline, the workers know no
// console. Folders of one layer may import each other.
export const ENGINE_LAYERS = [
  ['feed', 'decode', 'threads'],
  ['venues'],
  ['pipeline'],
  ['capture', 'replay', 'import', 'discovery', 'storage', 'sync', 'export', 'report', 'evaluation', 'simulator', 'config', 'live'],
  ['workers'],
  ['console'],
];

// Relative specifiers only (the engine has no path aliases): one or more `../`
// reach src/engine (or src/ from the engine's root), then the folder.
const folderImport = (folders) => `^(?:\\.\\./)+(?:engine/)?(?:${folders.join('|')})(?:/|$)`;

// The applications sit on the engine: src/cli and src/main import it, never the reverse.
const NOT_THE_APPS = {
  regex: '^(?:\\.\\./)+(?:cli|main|preload|renderer)(?:/|$)',
  message: 'The engine imports no application: src/cli, src/main, src/preload and src/renderer import the engine, never the reverse.',
};

const abovePatterns = (level) => {
  const above = ENGINE_LAYERS.slice(level + 1).flat();
  const patterns = [NOT_THE_APPS];
  if (above.length > 0) {
    patterns.push({
      regex: folderImport(above),
      message: `src/engine/{${ENGINE_LAYERS[level].join(',')}} imports only its layer and those below: not ${above.join(', ')} (docs/ARCHITECTURE.md, "Layers").`,
    });
  }
  return patterns;
};

// A venue folder is a plug-in: it reads the shared venue modules (venues/*.ts,
// venues/wire/) and never another venue's folder; only the registry names them all.
const NO_OTHER_VENUE = {
  regex: '^\\.\\./(?!wire(?:/|$))[^./][^/]*/',
  message: 'A venue folder imports no other venue folder: share the code through src/engine/venues/wire or a venues/*.ts module (docs/adding-a-venue.md).',
};
const NO_VENUE_FOLDER = {
  regex: '^\\./(?!wire(?:/|$))[^./][^/]*/',
  message: 'Only venues/registry.ts names the venue folders; shared venue modules import none of them.',
};

const engineLayerRules = ENGINE_LAYERS.map((folders, level) => ({
  files: folders.map((f) => `src/engine/${f}/**/*.ts`),
  rules: { 'no-restricted-imports': ['error', { patterns: abovePatterns(level) }] },
}));
const VENUES_LEVEL = ENGINE_LAYERS.findIndex((l) => l.includes('venues'));

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
  // Flat config replaces a rule's options file by file, so each block below
  // carries every pattern that applies to its files.
  ...engineLayerRules,
  {
    files: ['src/engine/venues/*/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...abovePatterns(VENUES_LEVEL), NO_OTHER_VENUE] }] },
  },
  {
    files: ['src/engine/venues/*.ts'],
    ignores: ['src/engine/venues/registry.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...abovePatterns(VENUES_LEVEL), NO_VENUE_FOLDER] }] },
  },
  {
    // Files at the engine's root (none today) sit above every folder but still below the applications.
    files: ['src/engine/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NOT_THE_APPS] }] },
  },
  {
    // The renderer sees only the shared contract and types, over IPC or the WebSocket.
    files: ['src/renderer/**/*.{ts,tsx}', 'src/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?:\\.\\./)+(?:engine|main|cli)(?:/|$)', message: 'The renderer and preload import only src/shared (the contract), never the engine, main or the CLI.' }] },
      ],
    },
  },
);
