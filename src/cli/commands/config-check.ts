import { defaultConfigDir } from '../../engine/config/default-config-dir';
import { loadConfig } from '../../engine/config/load-config';
import { isConfigError } from '../../shared/config/config-error';
import { CONFIG_FILE_NAMES, CONFIG_FILES } from '../../shared/config/config-files';
import { DEFAULT_PROFILE } from '../../shared/config/alerts-schema';
import { FEED_VENUE_IDS, resolveFeedRules } from '../../shared/config/feed-alerts-schema';
import { resolveRules } from '../../shared/config/resolve-rules';
import type { Config } from '../../shared/config/validate-config';
import type { CliCommand, CliIo } from '../index';

/** `config check [--config DIR]`: validates the config folder and prints the resolved rules. */
export const configCheck: CliCommand = {
  name: 'config check',
  summary: 'Validate the config folder and print the alert rules each instrument resolves to',
  options: {
    config: { type: 'string', valueName: 'DIR', description: `config folder (default: ${defaultConfigDir()})` },
  },
  run(args, io) {
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
    printSummary(config, dir, io);
    return 0;
  },
};

function printSummary(config: Config, dir: string, io: CliIo): void {
  io.out(`Config OK: ${dir} (${CONFIG_FILE_NAMES.map((f) => CONFIG_FILES[f]).join(', ')})`);
  io.out('');

  const { binance, okx } = config.exchanges;
  io.out('Exchanges');
  io.out(table([
    ['binance', onOff(binance.enabled), `spot ${binance.spot.websocketUrl}`, `usdm ${binance.futures.websocketPublicUrl} + ${binance.futures.websocketMarketUrl}`],
    ['okx', onOff(okx.enabled), okx.websocketPublicUrl, ''],
  ]));
  io.out('');

  io.out('Instruments');
  io.out(table([
    ['id', 'type', 'state', 'binance', 'okx', 'spot leg'],
    ...Object.values(config.instruments).map((i) => [
      i.id,
      i.type,
      onOff(i.enabled),
      i.venues.binance ? `${i.venues.binance.symbol} (${i.venues.binance.depthStream})` : '-',
      i.venues.okx ? `${i.venues.okx.symbol}${i.venues.okx.index ? ` index ${i.venues.okx.index}` : ''}` : '-',
      i.spot ?? '-',
    ]),
  ]));

  for (const instrument of Object.values(config.instruments)) {
    const hasProfile = Object.hasOwn(config.alerts.thresholds, instrument.id);
    io.out('');
    io.out(`Rules for ${instrument.id} (${instrument.type}, ${hasProfile ? 'own profile over default' : 'default profile'})`);
    io.out(rulesTable(config, instrument.id, instrument.type));
  }
  io.out('');
  io.out(`Rules for ${DEFAULT_PROFILE} (any instrument without a profile; spot drops basis and funding rules)`);
  io.out(rulesTable(config, DEFAULT_PROFILE, 'perpetual'));
  io.out('');
  io.out('Feed rules (alerts.yaml feed:; above the threshold: seconds, or events in the window)');
  io.out(feedRulesTable(config));
}

/** Each feed condition per venue as resolved (its override over `default`), and the engine's own. */
function feedRulesTable(config: Config): string {
  const rules = resolveFeedRules(config.alerts.feed, config.alerts.lifecycle.clearSeconds);
  const rows = [
    ...FEED_VENUE_IDS.flatMap((venue) => rules.forVenue(venue).map((r) => [venue, r] as const)),
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

function rulesTable(config: Config, id: string, type: Parameters<typeof resolveRules>[2]): string {
  const own = id === DEFAULT_PROFILE ? undefined : config.alerts.thresholds[id];
  const rules = resolveRules(config.alerts, id, type);
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
      own && Object.hasOwn(own, r.name) ? id : DEFAULT_PROFILE,
    ]),
  ]);
}

function onOff(enabled: boolean): string {
  return enabled ? 'enabled' : 'disabled';
}

/** Left-aligned columns, two spaces apart, indented under their heading. */
function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) => `  ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd())
    .join('\n');
}
