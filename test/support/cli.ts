import { spawnSync } from 'node:child_process';
import { inject } from 'vitest';
import { repoRoot } from './shared-data';

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The command that starts the CLI: plain node on the bundle built from
 * src/ for this test run (test/support/cli-bundle-setup.ts), as
 * `npm run -s surveil` runs the compiled CLI.
 */
export function surveilCommand(args: readonly string[]): [string, string[]] {
  return [process.execPath, [inject('surveilCli'), ...args]];
}

/** Runs the CLI as `npm run -s surveil` does, in a child process. */
export function surveil(args: readonly string[], cwd = repoRoot): CliRun {
  const [command, argv] = surveilCommand(args);
  const result = spawnSync(command, argv, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, SURVEIL_DEBUG: '' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
