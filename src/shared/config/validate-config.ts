import { alertsSchema, DEFAULT_PROFILE, type AlertsConfig } from './alerts-schema';
import { CONFIG_FILE_NAMES, type ConfigFileName, type ConfigIssue } from './config-files';
import { describeZodIssues } from './describe-issues';
import { exchangesSchemaOf, type ExchangesConfig } from './exchanges-schema';
import { featuresSchema, type FeaturesConfig } from './features-schema';
import { unknownFeedVenues } from './feed-alerts-schema';
import { instrumentsSchemaOf, type InstrumentsConfig, type InstrumentsFile } from './instruments-schema';
import { depthBandOf } from './metric-names';
import { NO_SELECTION, type SelectionConfig, type SelectionRule } from './selection-schema';
import { venueIdsOf, type VenueConfigPlugin } from './venue-config';

/** The whole validated configuration. */
export interface Config {
  readonly exchanges: ExchangesConfig;
  readonly instruments: InstrumentsConfig;
  readonly alerts: AlertsConfig;
  readonly features: FeaturesConfig;
  /**
   * instruments.yaml `select:` rules, resolved against the venues' listings at
   * start (src/engine/discovery); absent or empty when every instrument is listed by hand.
   */
  readonly selection?: SelectionConfig;
}

/**
 * Parsed-but-unvalidated file contents by role. A file that could not be
 * read or parsed is left out; its problems are reported by the reader.
 */
export type RawConfig = Partial<Record<ConfigFileName, unknown>>;

/** Outcome of `validateConfig`: a config only when every file was present and valid. */
export interface ValidationResult {
  readonly config: Config | null;
  readonly issues: readonly ConfigIssue[];
}

/** The four files' schemas with the venue plug-ins' parts composed in, and the venue ids they define. */
export interface ConfigSchemas {
  readonly exchanges: ReturnType<typeof exchangesSchemaOf>;
  readonly instruments: ReturnType<typeof instrumentsSchemaOf>;
  readonly alerts: typeof alertsSchema;
  readonly features: typeof featuresSchema;
  /** Every venue id the plug-ins define (spot service first per exchange): what `feed:` overrides may name. */
  readonly venueIds: readonly string[];
}

/**
 * The composition point: exchanges.yaml gets one block per plug-in,
 * instruments.yaml one listing key per plug-in and `select:` rules over
 * their venue ids. Build it once (the engine's registry does) and pass it
 * to `validateConfig`.
 */
export function composeConfigSchemas(plugins: readonly VenueConfigPlugin[]): ConfigSchemas {
  return {
    exchanges: exchangesSchemaOf(plugins),
    instruments: instrumentsSchemaOf(plugins),
    alerts: alertsSchema,
    features: featuresSchema,
    venueIds: venueIdsOf(plugins),
  };
}

/**
 * Validates each present file on its own, then the references between
 * files (alert profiles name instruments, depth rules name bands, feed
 * overrides name venues). Every problem is collected rather than stopping
 * at the first.
 */
export function validateConfig(raw: RawConfig, schemas: ConfigSchemas): ValidationResult {
  const issues: ConfigIssue[] = [];
  const parsed: { -readonly [K in ConfigFileName]?: Config[K] } = {};
  let selection: SelectionConfig = NO_SELECTION;

  for (const file of CONFIG_FILE_NAMES) {
    if (!(file in raw)) continue;
    const result = schemas[file].safeParse(raw[file]);
    if (!result.success) {
      issues.push(...describeZodIssues(file, result.error, raw[file]));
      continue;
    }
    if (file === 'instruments') {
      const file = result.data as InstrumentsFile;
      parsed.instruments = file.instruments;
      selection = file.selection;
    } else {
      (parsed as Record<ConfigFileName, unknown>)[file] = result.data;
    }
  }

  if (parsed.alerts && parsed.instruments) issues.push(...checkProfilesNameInstruments(parsed.alerts, parsed.instruments, selection.rules));
  if (parsed.alerts && parsed.instruments) issues.push(...checkPinnedTiers(parsed.alerts, parsed.instruments));
  if (parsed.alerts && parsed.features) issues.push(...checkDepthBands(parsed.alerts, parsed.features));
  for (const [key, message] of unknownFeedVenues(raw.alerts, schemas.venueIds)) issues.push({ file: 'alerts', path: ['feed', key], message });

  const { exchanges, instruments, alerts, features } = parsed;
  const complete = exchanges && instruments && alerts && features;
  return {
    config: complete && issues.length === 0 ? { exchanges, instruments, alerts, features, selection } : null,
    issues,
  };
}

// A profile for a misspelled id would silently never apply. An id a select:
// rule could produce is known only at start, so it passes when one could.
// Lower-case keys are tiers, checked in alerts-schema.
function checkProfilesNameInstruments(alerts: AlertsConfig, instruments: InstrumentsConfig, rules: readonly SelectionRule[]): ConfigIssue[] {
  return Object.keys(alerts.thresholds)
    .filter((id) => id !== DEFAULT_PROFILE && /^[A-Z0-9]/.test(id) && !Object.hasOwn(instruments, id) && !rules.some((r) => ruleCouldSelect(r, id)))
    .map((id) => ({
      file: 'alerts' as const,
      path: ['thresholds', id],
      message: rules.length === 0 ? `unknown instrument "${id}" (not in instruments.yaml)` : `unknown instrument "${id}" (not in instruments.yaml, and no select: rule makes such an id)`,
    }));
}

/**
 * `BASE-QUOTE-PERP` for a perpetual rule, `BASE-QUOTE-SPOT` for a spot one,
 * `BASE-QUOTE-YYMMDD` (the delivery day) for a dated-future one, with a quote the rule keeps.
 */
function ruleCouldSelect(rule: SelectionRule, id: string): boolean {
  const parts = id.split('-');
  if (parts.length !== 3) return false;
  const suffix = parts[2]!;
  const typed = rule.type === 'perpetual' ? suffix === 'PERP' : rule.type === 'spot' ? suffix === 'SPOT' : /^[0-9]{6}$/.test(suffix);
  return typed && (rule.quotes === null || rule.quotes.includes(parts[1]!));
}

// A pinned tier that alerts.yaml does not define would leave the instrument on `default` unnoticed.
function checkPinnedTiers(alerts: AlertsConfig, instruments: InstrumentsConfig): ConfigIssue[] {
  const names = alerts.tiers.map((t) => t.name);
  return Object.values(instruments)
    .filter((i) => i.tier != null && !names.includes(i.tier))
    .map((i) => ({
      file: 'instruments' as const,
      path: [i.id, 'tier'],
      message: names.length === 0 ? `unknown tier "${i.tier}": alerts.yaml defines no tiers` : `unknown tier "${i.tier}" (alerts.yaml tiers: ${names.join(', ')})`,
    }));
}

// A depth rule (or a tier's depth bar) on a band the core does not compute would never have a value.
function checkDepthBands(alerts: AlertsConfig, features: FeaturesConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  alerts.tiers.forEach((tier, i) => {
    if (tier.minDepthUsd == null || tier.depthBandBps === undefined || features.depthBandsBps.includes(tier.depthBandBps)) return;
    issues.push({
      file: 'alerts',
      path: ['tiers', i, 'min_depth_usd'],
      message: `a depth bar within ${tier.depthBandBps} bps needs that band, but features.yaml depth_bands_bps is [${features.depthBandsBps.join(', ')}] (set depth_band_bps)`,
    });
  });
  for (const [profile, rules] of Object.entries(alerts.thresholds)) {
    for (const [name, rule] of Object.entries(rules)) {
      const band = depthBandOf(rule.metric);
      if (band !== null && !features.depthBandsBps.includes(band)) {
        issues.push({
          file: 'alerts',
          path: ['thresholds', profile, name, 'metric'],
          message: `${rule.metric} needs a ${band} bps band, but features.yaml depth_bands_bps is [${features.depthBandsBps.join(', ')}]`,
        });
      }
    }
  }
  return issues;
}
