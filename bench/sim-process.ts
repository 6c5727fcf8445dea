/**
 * The exchange simulator in a process of its own, for the live benches: the
 * engine's CPU and its main thread are then the engine's alone, and frames
 * cross a real loopback socket between processes, as from an exchange.
 *
 *   npx tsx bench/sim-process.ts SCHEDULE EXTRA_ASSETS
 *
 * Prints one JSON line, {exchanges, labels}: exchanges.yaml pointed at it and
 * the ground truth of its injections; runs until SIGTERM.
 */
import { loadConfig } from '../src/engine/config/load-config';
import { demoSchedule } from '../src/engine/console/demo-schedule';
import { startSimServer } from '../src/engine/simulator';

const [schedule = 'calm', extra = '0'] = process.argv.slice(2);
const config = loadConfig();
const sim = await startSimServer({
  schedule: demoSchedule(schedule),
  extraAssets: Number(extra),
  seed: 1,
  alerts: config.alerts,
  staleTimeoutMs: config.features.staleTimeoutSeconds * 1000,
});
process.stdout.write(`${JSON.stringify({ exchanges: sim.exchangesConfig(config.exchanges), labels: sim.labels })}\n`);
const stop = async () => {
  await sim.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
