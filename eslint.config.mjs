// Module boundaries are enforced, not hoped for: every project carries a `scope:` (bounded
// context) and a `type:` (layer) tag, and these rules say which may import which.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';
import { createProjectGraphAsync, readCachedProjectGraph } from '@nx/devkit';

// The boundary rule reads the project graph Nx caches, and without one it skips itself with only
// a warning: lint would pass with no boundary checked. So a lint run outside an Nx task (plain
// `eslint`, an editor) brings the cached graph up to date first (Nx has just done so for its own
// tasks), and without a graph lint stops with an error instead of passing.
async function requireProjectGraph() {
  let cause;
  if (!process.env.NX_TASK_TARGET_PROJECT) {
    try {
      await createProjectGraphAsync({ exitOnError: false });
    } catch (error) {
      cause = error;
    }
  }
  try {
    readCachedProjectGraph();
  } catch (error) {
    const why = cause ? `computing it failed: ${cause.message}` : 'lint through `npx nx run-many -t lint` or plain `npx eslint`, which both compute it';
    throw new Error(`No Nx project graph, so module boundaries cannot be checked: ${why}`, { cause: cause ?? error });
  }
}
await requireProjectGraph();

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

// Domain code (the agreement engine and every context's domain/ folder) decides; it never reaches
// transport or persistence, and it reads the contracts' pure vocabulary, not their validation.
const INFRASTRUCTURE = ['@nestjs/*', 'typeorm', 'kafkajs', 'pg', 'express'];
const VALIDATION = ['class-validator', 'class-transformer', 'reflect-metadata'];
const notInDomain = [...INFRASTRUCTURE, ...VALIDATION].flatMap((name) => (name.endsWith('/*') ? [name] : [name, `${name}/*`]));
const DOMAIN_FILES = ['libs/agreement/src/**/*.ts', '**/src/domain/**/*.ts', 'libs/contracts/src/vocabulary/**/*.ts'];

function boundaries(inTests) {
  return {
    enforceBuildableLibDependency: true,
    allow: [],
    depConstraints: [
      ...Object.entries(layers).map(([sourceTag, allowed]) => ({
        sourceTag,
        onlyDependOnLibsWithTags: inTests ? [...allowed, 'type:testing'] : allowed,
      })),
      { sourceTag: 'type:domain', bannedExternalImports: notInDomain },
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
    // The same ban for domain/ folders inside feature libraries, where a project tag cannot say it.
    files: DOMAIN_FILES,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: '@umbrella/contracts', message: 'Domain code imports @umbrella/contracts/vocabulary: the contracts barrel brings class-validator with it.' }],
          patterns: [{ group: notInDomain, message: 'Domain code never imports transport, persistence or validation: pass what it needs in.' }],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];
