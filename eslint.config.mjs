// Module boundaries are enforced, not hoped for: every project carries a `scope:` (bounded
// context) and a `type:` (layer) tag, and these rules say which may import which.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';

const layers = {
  'type:app': ['type:feature', 'type:infra', 'type:contracts', 'type:util'],
  'type:feature': ['type:domain', 'type:infra', 'type:contracts', 'type:util'],
  'type:domain': ['type:domain', 'type:contracts'],
  'type:infra': ['type:infra', 'type:contracts', 'type:util'],
  'type:contracts': [],
  'type:util': ['type:contracts'],
  'type:testing': ['type:infra', 'type:contracts', 'type:util'],
};
// a bounded context sees only itself and the shared kernel, never another context
const scopes = ['referral', 'agency-directory', 'client-journey', 'reporting', 'portal'];

function boundaries(inTests) {
  return {
    enforceBuildableLibDependency: true,
    allow: [],
    depConstraints: [
      ...Object.entries(layers).map(([sourceTag, allowed]) => ({
        sourceTag,
        onlyDependOnLibsWithTags: inTests ? [...allowed, 'type:testing'] : allowed,
      })),
      { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
      ...scopes.map((scope) => ({ sourceTag: `scope:${scope}`, onlyDependOnLibsWithTags: [`scope:${scope}`, 'scope:shared'] })),
    ],
  };
}

export default [
  { ignores: ['**/dist/**', '**/node_modules/**', '.umbrella/**', '.nx/**', 'coverage/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': ['error', boundaries(false)],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/test/**/*.ts'],
    // tests may also use the shared test infrastructure
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries(true)] },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];
