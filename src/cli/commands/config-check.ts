import { defaultConfigDir } from '../../engine/config/default-config-dir';
import { loadConfig } from '../../engine/config/load-config';
import { isConfigError } from '../../shared/config/config-error';
import { CONFIG_FILE_NAMES, CONFIG_FILES } from '../../shared/config/config-files';
import { DEFAULT_PROFILE } from '../../shared/config/alerts-schema';
import { resolveFeedRules } from '../../shared/config/feed-alerts-schema';
import { exchangeBlocks } from '../../shared/config/exchanges-schema';
import { resolveRules } from '../../shared/config/resolve-rules';
import type { Config } from '../../shared/config/validate-config';
import type { CliCommand, CliIo } from '../index';
import { LiveSelection } from '../../engine/live/live-selection';
import { startSimServer } from '../../engine/simulator';
import { selectionReport } from '../../engine/discovery/selection-report';
import { historyRestingDepth } from '../../engine/discovery/resting-depth';
import { resolveHistoryPath } from '../../engine/storage/history-db';
import { CONFIG_SCHEMAS, venueConfigPlugins } from '../../engine/venues/registry';

/** `config check [--config DIR] [--resolve | --simulator N]`: validates the config folder and prints the resolved rules. */
export const configCheck: CliCommand = {
  name: 'config check',
  summary: 'Validate the config folder and print the alert rules each instrument resolves to (and what select: rules pick, with --resolve)',
  options: {
    config: { type: 'string', valueName: 'DIR', description: `config folder (default: ${defaultConfigDir()})` },
    resolve: { type: 'boolean', description: 'fetch the venues\' listings (exchanges.yaml URLs) and print what the select: rules resolve to, with tiers' },
    simulator: { type: 'string', valueName: 'N', description: 'resolve the select: rules against a local simulator with N synthetic assets (4 listings each) instead of the venues' },
  },
  async run(args, io) {
    const dir = typeof args.values.config === 'string' ? args.values.config : defaultConfigDir();
    let config: Config;
    try {
      config = loadConfig(dir);
    } catch (error) {
      if (!isConfigError(error)) throw error;
      for (const problem of error.problems) io.err(problem);
      io.err(`config check failed: ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}`);
      return 1;
    }
    const simulator = typeof args.values.simulator === 'string' ? Number(args.values.simulator) : null;
    if (simulator !== null && !(Number.isInteger(simulator) && simulator >= 0 && simulator <= 999)) {
      io.err(`surveil config check: --simulator must be a whole number from 0 to 999, got "${String(args.values.simulator)}"`);
      return 2;
    }
    if (simulator === null && args.values.resolve !== true) {
      printSummary(config, dir, io, new Set());
      printRulesOnly(config, io);
      return 0;
    }
    return resolveAndPrint(config, dir, simulator, io);
  },
};

/** The select: rules resolved against the venues (or a local simulator), then everything printed as it will run. */
async function resolveAndPrint(config: Config, dir: string, simulator: number | null, io: CliIo): Promise<number> {
  const sim = simulator === null ? null : await startSimServer({ scenario: 'calm', extraAssets: simulator, alerts: config.alerts, staleTimeoutMs: 10_000 });
  try {
    const target = sim ? { ...config, exchanges: sim.exchangesConfig(config.exchanges) } : config;
    const problems: string[] = [];
    // Tiers with min_depth_usd read the depth the local history observed (never on a simulator: its books are not the desk's).
    const historyPath = !sim && config.features.storage.enabled ? resolveHistoryPath({ storage: config.features.storage }) : null;
    const restingDepth = historyPath ? historyRestingDepth(historyPath, config.alerts.tiers, Date.now()) : null;
    const selection = await LiveSelection.start(target, {
      log: (line) => (line.includes('discovery: ') && !line.startsWith('discovery: ') ? problems.push(line) : undefined),
      ...(restingDepth && { restingDepth }),
    });
    const result = selection.selection;
    const ruleSelected = new Set((result?.listings ?? []).filter((l) => l.rule !== null).map((l) => l.id));
    printSummary(selection.config, dir, io, ruleSelected);
    io.out('');
    io.out(`Selection${sim ? ` (resolved on a local simulator with ${simulator} synthetic assets: SIMULATED listings)` : ' (resolved on the venues in exchanges.yaml)'}`);
    if (result === null) io.out('  no select: rules: the instruments above are the whole selection');
    else for (const line of selectionReport(config.selection?.rules ?? [], result)) io.out(line);
    for (const p of problems) io.err(p);
    return selection.failedVenues.length > 0 ? 1 : 0;
  } finally {
    await sim?.close();
  }
}

/** Without --resolve: what the rules say, since only the venues know what they pick. */
function printRulesOnly(config: Config, io: CliIo): void {
  const rules = config.selection?.rules ?? [];
  if (rules.length === 0) return;
  io.out('');
  io.out(`Selection rules (resolved at start, refreshed every ${config.selection?.refreshMinutes ?? 15} min; --resolve or --simulator N shows what they pick)`);
  for (const line of selectionReport(rules, null)) io.out(line);
}

function printSummary(config: Config, dir: string, io: CliIo, ruleSelected: ReadonlySet<string>): void {
  io.out(`Config OK: ${dir} (${CONFIG_FILE_NAMES.map((f) => CONFIG_FILES[f]).join(', ')})`);
  io.out('');

  // Each venue says how its block and its listings read (venues/<venue>/config.ts).
  const plugins = venueConfigPlugins();
  const blocks = exchangeBlocks(config.exchanges);
  io.out('Exchanges');
  io.out(table(plugins.flatMap((p) => {
    const block = blocks.get(p.exchange);
    return block ? [[p.exchange, onOff(block.enabled), ...p.summary.block(block)]] : [];
  })));
  io.out('');

  io.out(ruleSelected.size > 0 ? 'Instruments (hand-listed, then picked by select: rules)' : 'Instruments');
  io.out(table([
    ['id', 'type', 'state', ...plugins.map((p) => p.exchange), 'spot leg'],
    ...Object.values(config.instruments).map((i) => [
      i.id,
      // A dated future says when it delivers: past that, discovery unsubscribes it.
      i.type === 'future' && typeof i.expiry === 'number' ? `future, expires ${new Date(i.expiry).toISOString().slice(0, 16).replace('T', ' ')} UTC` : i.type,
      onOff(i.enabled),
      ...plugins.map((p) => {
        const listing = i.venues[p.exchange];
        return listing ? p.summary.listing(listing) : '-';
      }),
      i.spot ?? '-',
    ]),
  ]));

  // Rule-selected instruments are judged by their tier: one table per tier below, not one per instrument.
  for (const instrument of Object.values(config.instruments)) {
    if (ruleSelected.has(instrument.id)) continue;
    const hasProfile = Object.hasOwn(config.alerts.thresholds, instrument.id);
    const tiers = [...new Set(Object.values(instrument.venues).map((l) => l?.tier ?? null))];
    for (const tier of tiers) {
      io.out('');
      const over = [hasProfile ? 'own profile' : null, tier ? `tier ${tier}` : null].filter(Boolean).join(' over ');
      io.out(`Rules for ${instrument.id} (${instrument.type}, ${over ? `${over} over default` : 'default profile'})`);
      io.out(rulesTable(config, instrument.id, instrument.type, tier));
    }
  }
  for (const tier of config.alerts.tiers) {
    io.out('');
    const byDepth = tier.minDepthUsd != null ? ` or resting depth >= $${tier.minDepthUsd.toLocaleString('en-US')} within ${tier.depthBandBps ?? 10} bps` : '';
    io.out(`Rules for tier ${tier.name} (24 h volume >= $${tier.minVolume24hUsd.toLocaleString('en-US')}${byDepth}, ${tier.depth} book under depth: auto; over default)`);
    io.out(rulesTable(config, DEFAULT_PROFILE, 'perpetual', tier.name));
  }
  io.out('');
  io.out(`Rules for ${DEFAULT_PROFILE} (any instrument without a profile${config.alerts.tiers.length > 0 ? ' or tier' : ''}; spot drops basis and funding rules)`);
  io.out(rulesTable(config, DEFAULT_PROFILE, 'perpetual'));
  io.out('');
  io.out('Feed rules (alerts.yaml feed:; above the threshold: seconds, or events in the window)');
  io.out(feedRulesTable(config));
}

/** Each feed condition per venue as resolved (its override over `default`), and the engine's own. */
function feedRulesTable(config: Config): string {
  const rules = resolveFeedRules(config.alerts.feed, config.alerts.lifecycle.clearSeconds);
  const rows = [
    ...CONFIG_SCHEMAS.venueIds.flatMap((venue) => rules.forVenue(venue).map((r) => [venue, r] as const)),
    ...rules.engine.map((r) => ['engine', r] as const),
  ];
  return table([
    ['venue', 'rule', 'metric', 'threshold', 'window', 'persist', 'clear', 'severity', 'from'],
    ...rows.map(([venue, r]) => [
      venue,
      r.condition,
      r.spec.metric,
      String(r.spec.threshold),
      r.windowMs === null ? '-' : `${r.windowMs / 1000}s`,
      `${r.spec.persistSeconds}s`,
      `${r.spec.clearSeconds}s`,
      r.spec.severity,
      config.alerts.feed.venues[venue]?.[r.condition] ? venue : DEFAULT_PROFILE,
    ]),
  ]);
}

function rulesTable(config: Config, id: string, type: Parameters<typeof resolveRules>[2], tier: string | null = null): string {
  const own = id === DEFAULT_PROFILE ? undefined : config.alerts.thresholds[id];
  const ofTier = tier === null ? undefined : config.alerts.thresholds[tier];
  const rules = resolveRules(config.alerts, id, type, tier);
  if (rules.length === 0) return '  (no rules)';
  return table([
    ['rule', 'metric', 'direction', 'threshold', 'zscore', 'persist', 'clear', 'severity', 'from'],
    ...rules.map((r) => [
      r.name,
      r.metric,
      r.direction,
      String(r.threshold),
      r.zscore === null ? '-' : String(r.zscore),
      `${r.persistSeconds}s`,
      `${r.clearSeconds}s`,
      r.severity,
      own && Object.hasOwn(own, r.name) ? id : ofTier && Object.hasOwn(ofTier, r.name) ? `tier ${tier}` : DEFAULT_PROFILE,
    ]),
  ]);
}

function onOff(enabled: boolean): string {
  return enabled ? 'enabled' : 'disabled';
}

/** Left-aligned columns, two spaces apart, indented under their heading. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) => `  ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd())
    .join('\n');
}
