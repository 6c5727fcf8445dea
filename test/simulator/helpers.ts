import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { loadConfig } from '../../src/engine/config';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import { replayCapture, type ReplayResult } from '../../src/engine/replay/replay-capture';
import { simulateToCapture, type SimulateOptions, type SimulationResult } from '../../src/engine/simulator';
import { SHIPPED_CONFIG } from '../config/helpers';

/** The shipped config, loaded once. */
export const CONFIG = loadConfig(SHIPPED_CONFIG);

const dirs: string[] = [];

/** A fresh temp folder, removed by `cleanupSimDirs`. */
export function simDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'surveil-sim-'));
  dirs.push(dir);
  return dir;
}

export function cleanupSimDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Simulates a scenario to a capture in a temp folder and replays it with the shipped rules. */
export async function simulateAndReplay(options: SimulateOptions): Promise<{ sim: SimulationResult; replay: ReplayResult; path: string }> {
  const path = join(simDir(), `${options.scenario}.jsonl`);
  const sim = await simulateToCapture({ alerts: CONFIG.alerts, staleTimeoutMs: CONFIG.features.staleTimeoutSeconds * 1000, ...options, out: path });
  const replay = await replayCapture(path, { speed: 'max', settings: pipelineSettingsFrom(CONFIG) });
  return { sim, replay, path };
}

/**
 * Opens a socket to the simulator, sends `messages` once it is open and
 * collects its text frames until `until` resolves; the frames, in order.
 */
export async function socketTexts(url: string, messages: readonly string[], until: (texts: readonly string[]) => Promise<unknown>): Promise<string[]> {
  const ws = new WebSocket(url);
  const texts: string[] = [];
  ws.on('message', (data) => texts.push(data.toString()));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  try {
    for (const m of messages) ws.send(m);
    await until(texts);
  } finally {
    ws.close();
  }
  return texts;
}
