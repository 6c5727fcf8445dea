import { defaultConfigDir } from '../../engine/config/default-config-dir';
import {
  isScenarioName,
  SCENARIO_NAMES,
  SIM_VENUES,
  simulateToCapture,
  startSimServer,
  type OkxProtocol,
  type SimulateOptions,
  type SimVenue,
} from '../../engine/simulator';
import { loadConfigOption } from '../config-option';
import { outputPathProblem } from '../output-path';
import type { CliArgs, CliCommand, CliIo } from '../index';

/**
 * `simulate --scenario NAME [--seed N] [--duration S] [--serve] [--out CAPTURE --labels LABELS.json] [--okx-protocol 2026|legacy]`
 */
export const simulate: CliCommand = {
  name: 'simulate',
  summary: 'Simulated Binance/OKX markets with injected scenarios: write a capture + labels, or serve them live on loopback',
  options: {
    scenario: { type: 'string', valueName: 'NAME', description: `scenario: ${SCENARIO_NAMES.join(', ')}` },
    seed: { type: 'string', valueName: 'N', description: 'random seed (default 1); same seed, same capture bytes' },
    duration: { type: 'string', valueName: 'S', description: 'simulated seconds (default 600, longer if the injection needs it); with --serve, stop after S s' },
    out: { type: 'string', valueName: 'CAPTURE', description: 'write a capture (.jsonl or .jsonl.gz) in simulated time, no waiting' },
    labels: { type: 'string', valueName: 'LABELS.json', description: 'write the ground-truth labels of the --out capture' },
    serve: { type: 'boolean', description: 'run the exchanges on 127.0.0.1 for live connections until Ctrl-C (or --duration)' },
    'okx-protocol': { type: 'string', valueName: 'legacy|2026', description: 'OKX books protocol: legacy (socket snapshot, CRC32 checksums; default) or 2026' },
    venue: { type: 'string', valueName: 'VENUE', description: `venue to inject on (${SIM_VENUES.join(', ')}; default per scenario)` },
    instruments: { type: 'string', valueName: 'IDS', description: 'comma-separated canonical ids to inject on (default per scenario)' },
    at: { type: 'string', valueName: 'S', description: 'injection start, seconds after the start (default 330)' },
    for: { type: 'string', valueName: 'S', description: 'injection length in seconds (default per scenario)' },
    port: { type: 'string', valueName: 'P', description: 'with --serve: binance-spot on P, binance-usdm on P+1, okx on P+2 (default: free ports)' },
    config: { type: 'string', valueName: 'DIR', description: `config folder for the alert rules (default: ${defaultConfigDir()})` },
  },
  async run(args, io) {
    const parsed = parseOptions(args, io);
    if (parsed === null) return 2;
    const serve = args.values.serve === true;
    const out = stringOption(args, 'out');
    if (!serve && out === undefined) {
      io.err('surveil simulate: give --out CAPTURE (with --labels LABELS.json) or --serve');
      return 2;
    }
    for (const [option, path] of [['--out', out], ['--labels', stringOption(args, 'labels')]] as const) {
      const problem = path === undefined ? null : outputPathProblem(path);
      if (problem !== null) {
        io.err(`surveil simulate: ${option} ${problem}`);
        return 1;
      }
    }
    const config = loadConfigOption(args, io);
    if (!config) return 1;
    const options: SimulateOptions = { ...parsed, alerts: config.alerts, staleTimeoutMs: config.features.staleTimeoutSeconds * 1000 };
    if (out !== undefined) {
      const labels = stringOption(args, 'labels');
      const result = await simulateToCapture({ ...options, out, ...(labels === undefined ? {} : { labels }) });
      const l = result.labels;
      io.out(`${l.scenario} seed ${l.seed}: ${result.frames} frames, ${((l.captureEnd - l.captureStart) / 1000).toFixed(0)} s simulated -> ${out}`);
      for (const i of l.injections) {
        const expect = i.expect.map((e) => `${e.family}/${e.severity}`).join(' ') || 'no alerts';
        const feed = i.expectFeed.length > 0 ? `; feed: ${i.expectFeed.join(' ')}` : '';
        io.out(`  ${i.venue} ${i.instruments.join(',')} +${((i.start - l.captureStart) / 1000).toFixed(1)}s..+${((i.end - l.captureStart) / 1000).toFixed(1)}s: ${expect}${feed}`);
      }
      if (labels !== undefined) io.out(`labels written to ${labels}`);
    }
    if (serve) await serveUntilStopped(options, args, io);
    return 0;
  },
};

async function serveUntilStopped(options: SimulateOptions, args: CliArgs, io: CliIo): Promise<void> {
  const port = stringOption(args, 'port');
  const base = port === undefined ? undefined : Number(port);
  const ports = base === undefined ? undefined : { 'binance-spot': base, 'binance-usdm': base + 1, okx: base + 2 };
  const server = await startSimServer({ ...options, ...(ports === undefined ? {} : { ports }) });
  const u = server.urls;
  io.out(`simulating ${server.labels.scenario} (seed ${server.labels.seed}, okx ${server.market.okxProtocol}) - exchanges.yaml URLs:`);
  io.out(`  binance spot    websocket_url ${u['binance-spot'].ws}   rest_url ${u['binance-spot'].http}`);
  io.out(`  binance futures websocket_public_url ${u['binance-usdm'].ws}/public   websocket_market_url ${u['binance-usdm'].ws}/market   rest_url ${u['binance-usdm'].http}`);
  io.out(`  okx             websocket_public_url ${u.okx.ws}/ws/v5/public   rest_url ${u.okx.http}`);
  for (const i of server.labels.injections) io.out(`  ${i.scenario} on ${i.venue} ${i.instruments.join(',')} at ${new Date(i.start).toISOString()}`);
  io.out('Ctrl-C to stop');
  const seconds = stringOption(args, 'duration');
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (seconds !== undefined) setTimeout(stop, Number(seconds) * 1000).unref();
  });
  await server.close();
  io.out('stopped');
}

function stringOption(args: CliArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** The run's choices from the command line; null (after a message) when they are wrong. */
function parseOptions(args: CliArgs, io: CliIo): SimulateOptions | null {
  const bad = (message: string): null => {
    io.err(`surveil simulate: ${message}`);
    return null;
  };
  const scenario = stringOption(args, 'scenario');
  if (scenario === undefined || !isScenarioName(scenario)) return bad(`--scenario must be one of ${SCENARIO_NAMES.join(', ')}`);
  const number = (name: string): number | undefined | null => {
    const text = stringOption(args, name);
    if (text === undefined) return undefined;
    const n = Number(text);
    return Number.isFinite(n) && n >= 0 ? n : bad(`--${name} must be a non-negative number, got "${text}"`);
  };
  const seed = number('seed');
  const duration = number('duration');
  const at = number('at');
  const length = number('for');
  if (seed === null || duration === null || at === null || length === null) return null;
  if (seed !== undefined && !Number.isInteger(seed)) return bad('--seed must be an integer');
  // Unset: the simulator's default for the scenario (legacy, or 2026 where only it makes sense).
  const protocol = stringOption(args, 'okx-protocol');
  if (protocol !== undefined && protocol !== 'legacy' && protocol !== '2026') return bad('--okx-protocol must be legacy or 2026');
  const venue = stringOption(args, 'venue');
  if (venue !== undefined && !(SIM_VENUES as readonly string[]).includes(venue)) return bad(`--venue must be one of ${SIM_VENUES.join(', ')}`);
  const instruments = stringOption(args, 'instruments')?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return {
    scenario,
    ...(protocol === undefined ? {} : { okxProtocol: protocol as OkxProtocol }),
    ...(seed === undefined ? {} : { seed }),
    ...(duration === undefined ? {} : { durationMs: duration * 1000 }),
    ...(at === undefined ? {} : { injectAtMs: at * 1000 }),
    ...(length === undefined ? {} : { injectForMs: length * 1000 }),
    ...(venue === undefined ? {} : { venue: venue as SimVenue }),
    ...(instruments === undefined ? {} : { instruments }),
  };
}
