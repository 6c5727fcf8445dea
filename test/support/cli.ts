import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './shared-data';

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI as `npm run -s surveil` does, in a child process. */
export function surveil(args: readonly string[], cwd = repoRoot): CliRun {
  const result = spawnSync(join(repoRoot, 'node_modules/.bin/tsx'), [join(repoRoot, 'src/cli/index.ts'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, SURVEIL_DEBUG: '' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
