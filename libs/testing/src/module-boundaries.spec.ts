import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './infrastructure';

/*
 * The module boundaries are only worth what lint reports, so these run the project's own ESLint
 * configuration on code that would break them (ESLint's Node API in a child process: it loads the
 * configuration as an ES module, which jest's module system does not). Each run gets an empty Nx
 * workspace-data directory, so the cached project graph is never the one these tests rely on.
 */

interface Problem {
  readonly ruleId: string | null;
  readonly message: string;
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const LINT_TEXTS = `
import { ESLint } from 'eslint';
const cases = JSON.parse(process.argv[1]);
const eslint = new ESLint({ cwd: process.cwd() });
const out = [];
for (const { filePath, code } of cases) {
  const [result] = await eslint.lintText(code, { filePath });
  out.push(result.messages.map(({ ruleId, message }) => ({ ruleId, message })));
}
console.log(JSON.stringify(out));
`;

function node(args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, args, { cwd: REPO_ROOT, env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
    child.stdin?.end(input);
  });
}

/** The environment of a lint run that is not an Nx task, with a workspace-data directory of its own. */
function environment(workspaceData: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_WORKSPACE_DATA_DIRECTORY: workspaceData, ...extra };
  if (!('NX_TASK_TARGET_PROJECT' in extra)) delete env.NX_TASK_TARGET_PROJECT;
  return env;
}

const NEST = "import { Injectable } from '@nestjs/common';\nexport const marker = Injectable;\n";

describe('module boundaries', () => {
  let workspaceData: string;
  beforeEach(() => {
    workspaceData = mkdtempSync(join(tmpdir(), 'umbrella-nx-graph-'));
  });
  afterEach(() => rmSync(workspaceData, { recursive: true, force: true }));

  it('refuses transport, persistence and validation in domain code, and lets pure code through', async () => {
    const cases = [
      { filePath: 'libs/agreement/src/violating.ts', code: NEST },
      { filePath: 'libs/agreement/src/violating.ts', code: "import { EntityManager } from 'typeorm';\nexport type Tx = EntityManager;\n" },
      { filePath: 'libs/agreement/src/violating.ts', code: "import { IsIn } from 'class-validator';\nexport const marker = IsIn;\n" },
      { filePath: 'libs/agreement/src/violating.ts', code: "import { DomainOfSupport } from '@umbrella/contracts';\nexport type D = DomainOfSupport;\n" },
      { filePath: 'libs/client-journey/src/domain/violating.ts', code: NEST },
      { filePath: 'libs/client-journey/src/domain/violating.ts', code: "import { Kafka } from 'kafkajs';\nexport const marker = Kafka;\n" },
      { filePath: 'libs/contracts/src/vocabulary/violating.ts', code: "import 'reflect-metadata';\nexport const marker = 1;\n" },
      { filePath: 'libs/agreement/src/clean.ts', code: "import { DomainOfSupport } from '@umbrella/contracts/vocabulary';\nexport type D = DomainOfSupport;\n" },
      { filePath: 'libs/client-journey/src/domain/clean.ts', code: "import { OPEN_REFERRAL_STATUSES } from '@umbrella/contracts/vocabulary';\nexport const open = OPEN_REFERRAL_STATUSES;\n" },
      // outside domain code the same import is the ordinary way to build a service
      { filePath: 'libs/referral/src/clean.ts', code: NEST },
    ];
    const run = await node(['--input-type=module', '-e', LINT_TEXTS, JSON.stringify(cases)], environment(workspaceData));
    expect(run.stderr).not.toMatch(/No cached ProjectGraph/);
    expect(run.stdout).not.toMatch(/No cached ProjectGraph/);
    expect(run.code).toBe(0);
    const [nestInEngine, typeormInEngine, validatorInEngine, barrelInEngine, nestInDomain, kafkaInDomain, reflectInVocabulary, cleanEngine, cleanDomain, nestInFeature] =
      JSON.parse(run.stdout.trim().split('\n').pop()!) as Problem[][];

    expect(nestInEngine).toEqual(
      expect.arrayContaining([{ ruleId: '@nx/enforce-module-boundaries', message: 'A project tagged with "type:domain" is not allowed to import "@nestjs/common"' }]),
    );
    expect(typeormInEngine).toEqual(expect.arrayContaining([expect.objectContaining({ ruleId: '@nx/enforce-module-boundaries', message: expect.stringContaining('"typeorm"') })]));
    expect(validatorInEngine).toEqual(
      expect.arrayContaining([expect.objectContaining({ ruleId: '@nx/enforce-module-boundaries', message: expect.stringContaining('"class-validator"') })]),
    );
    expect(barrelInEngine).toEqual([expect.objectContaining({ ruleId: 'no-restricted-imports', message: expect.stringContaining('@umbrella/contracts/vocabulary') })]);
    expect(nestInDomain).toEqual([expect.objectContaining({ ruleId: 'no-restricted-imports', message: expect.stringContaining("'@nestjs/common'") })]);
    expect(kafkaInDomain).toEqual([expect.objectContaining({ ruleId: 'no-restricted-imports', message: expect.stringContaining("'kafkajs'") })]);
    expect(reflectInVocabulary).toEqual([expect.objectContaining({ ruleId: 'no-restricted-imports', message: expect.stringContaining("'reflect-metadata'") })]);
    expect(cleanEngine).toEqual([]);
    expect(cleanDomain).toEqual([]);
    expect(nestInFeature).toEqual([]);
  }, 120_000);

  it('fails, rather than skipping the boundaries, when an Nx task finds no project graph', async () => {
    const run = await node(
      [join(REPO_ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--stdin', '--stdin-filename', 'libs/agreement/src/violating.ts'],
      environment(workspaceData, { NX_TASK_TARGET_PROJECT: 'agreement' }),
      NEST,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('No Nx project graph, so module boundaries cannot be checked');
  }, 120_000);
});
