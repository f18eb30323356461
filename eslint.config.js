// ESLint flat config. The rules that matter most here are the import boundaries of
// ../shared/design/STYLE.md ("imports run one way"): they are checked on every file, and a
// broken boundary is an error, never a warning. Why each choice: docs/decisions.md ("Tooling").
import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import { importX, createNodeResolver } from 'eslint-plugin-import-x';
import globals from 'globals';
import svelteConfig from './svelte.config.js';

/** Packages that do I/O: a pure module (server/aggregate, shared) may import none of them. */
const IO_PACKAGES = [
  'ioredis',
  'socket.io',
  'socket.io-client',
  ...['net', 'http', 'https', 'http2', 'fs', 'fs/promises', 'dgram', 'tls', 'child_process'].flatMap((m) => [m, `node:${m}`]),
];
const SOCKET_OWNERS = 'Only client/main.ts and client/live/ talk to the socket: widgets and pages read the store.';
const noIo = (why) => ({ paths: IO_PACKAGES.map((name) => ({ name, message: why })) });

export default ts.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'public/**', 'tests/.artifacts/**', '.ci/out/**', 'bench/results.json*'],
  },
  js.configs.recommended,
  ts.configs.recommended,
  svelte.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['client/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, svelteConfig, extraFileExtensions: ['.svelte'] } },
  },
  {
    // TypeScript itself reports undefined names (and knows the DOM and Node types); ESLint's
    // scope-based check does not see ambient declarations such as client/geo.d.ts.
    files: ['**/*.ts', '**/*.svelte'],
    rules: { 'no-undef': 'off' },
  },
  {
    rules: {
      // It flags every Map/Set/URLSearchParams in a component, also the ones built and thrown away
      // inside one $derived (all four hits today): reactive state lives in .svelte.ts classes instead.
      'svelte/prefer-svelte-reactivity': 'off',
      // `_`-prefixed names are deliberately unused (a required parameter, a destructured rest).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Tests build and filter control characters on purpose (hostile input).
    files: ['tests/**'],
    rules: { 'no-control-regex': 'off' },
  },

  // ---- Import boundaries (STYLE.md, issue 10) -------------------------------------------------
  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.svelte', '.js', '.mjs', '.json'] })],
    },
    rules: {
      // Import cycles are checked by scripts/import-cycles.ts (`npm run lint:cycles`), not by
      // import-x/no-cycle: that rule took two thirds of the lint time, skips type-only imports and
      // does not follow imports into .svelte files (docs/decisions.md, "Tooling").
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: import.meta.dirname,
          zones: [
            {
              target: './shared',
              from: ['./server', './client'],
              message: 'shared/ is the contract: it imports nothing from server/ or client/.',
            },
            { target: './server', from: './client', message: 'server/ never imports client/: share through shared/.' },
            { target: './client', from: './server', message: 'client/ never imports server/: share through shared/.' },
            {
              target: ['./server/ingest', './server/aggregate'],
              from: './server/publish',
              message: 'ingest and aggregate never import publish: publishing reads their state, not the other way round.',
            },
            {
              target: './server/aggregate',
              from: './server/redis.ts',
              message: 'server/aggregate is pure: no Redis, not even through server/redis.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/aggregate/**'],
    rules: {
      'no-restricted-imports': ['error', noIo('server/aggregate is pure (no I/O): the caller reads and writes, aggregate only counts.')],
    },
  },
  {
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...noIo('shared/ is the contract: no I/O.'),
          patterns: [{ group: ['node:*'], message: 'shared/ runs on both ends: no node:* modules.' }],
        },
      ],
    },
  },
  {
    files: ['client/**'],
    ignores: ['client/main.ts', 'client/live/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'socket.io-client', message: SOCKET_OWNERS }],
          patterns: [{ regex: '(^|/)live/connection(\\.ts)?$', message: SOCKET_OWNERS }],
        },
      ],
    },
  },
);
