import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/index';
import { cleanupDirs, tempDir } from '../console/helpers';

afterAll(() => cleanupDirs());

/**
 * Whoever reads "console served at" and signals at once (a service manager,
 * a script, a test) must find `surveil serve` listening, or the default
 * action kills it before it closes its history: it used to start listening
 * only after printing that line (exit 143 from the launcher, seen in CI).
 * In process, so the order is checked where it is decided, not raced; the
 * signal then goes to the command's own listener.
 */
describe('surveil serve and the signals that stop it', () => {
  it('listens for SIGTERM and Ctrl-C before it says where it is served, and stops on them with exit 0', async () => {
    const before = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT') };
    const added = (signal: 'SIGTERM' | 'SIGINT') => process.listeners(signal).filter((l) => !before[signal].includes(l));
    const lines: string[] = [];
    let atServedLine: { SIGTERM: number; SIGINT: number } | null = null;
    const io = {
      out: (line: string) => {
        lines.push(line);
        if (line.startsWith('console served at')) atServedLine = { SIGTERM: added('SIGTERM').length, SIGINT: added('SIGINT').length };
      },
      err: (line: string) => lines.push(line),
    };
    const db = join(tempDir('surveil-signal-'), 'history.db');
    const code = runCli(['serve', '--demo', 'calm', '--port', '0', '--db', db], io);
    await expect.poll(() => atServedLine, { timeout: 30_000 }).not.toBeNull();
    expect(atServedLine, lines.join('\n')).toEqual({ SIGTERM: 1, SIGINT: 1 });
    for (const listener of added('SIGTERM')) (listener as (s: NodeJS.Signals) => void)('SIGTERM');
    expect(await code, lines.join('\n')).toBe(0);
    expect(lines).toContain('console: SIGTERM, stopping');
    // Stopped listening once stopped: a second signal takes its default action (a second Ctrl-C ends a stop that hangs).
    expect({ SIGTERM: added('SIGTERM').length, SIGINT: added('SIGINT').length }).toEqual({ SIGTERM: 0, SIGINT: 0 });
  }, 60_000);
});
