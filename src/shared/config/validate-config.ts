import { alertsSchema, DEFAULT_PROFILE, type AlertsConfig } from './alerts-schema';
import { CONFIG_FILE_NAMES, type ConfigFileName, type ConfigIssue } from './config-files';
import { describeZodIssues } from './describe-issues';
import { exchangesSchema, type ExchangesConfig } from './exchanges-schema';
import { featuresSchema, type FeaturesConfig } from './features-schema';
import { instrumentsSchema, type InstrumentsConfig } from './instruments-schema';
import { depthBandOf } from './metric-names';

/** The whole validated configuration. */
export interface Config {
  readonly exchanges: ExchangesConfig;
  readonly instruments: InstrumentsConfig;
  readonly alerts: AlertsConfig;
  readonly features: FeaturesConfig;
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

const SCHEMAS = {
  exchanges: exchangesSchema,
  instruments: instrumentsSchema,
  alerts: alertsSchema,
  features: featuresSchema,
} as const;

/**
 * Validates each present file on its own, then the references between
 * files (alert profiles name instruments, depth rules name bands). Every
 * problem is collected rather than stopping at the first.
 */
export function validateConfig(raw: RawConfig): ValidationResult {
  const issues: ConfigIssue[] = [];
  const parsed: { -readonly [K in ConfigFileName]?: Config[K] } = {};

  for (const file of CONFIG_FILE_NAMES) {
    if (!(file in raw)) continue;
    const result = SCHEMAS[file].safeParse(raw[file]);
    if (result.success) (parsed as Record<ConfigFileName, unknown>)[file] = result.data;
    else issues.push(...describeZodIssues(file, result.error, raw[file]));
  }

  if (parsed.alerts && parsed.instruments) issues.push(...checkProfilesNameInstruments(parsed.alerts, parsed.instruments));
  if (parsed.alerts && parsed.features) issues.push(...checkDepthBands(parsed.alerts, parsed.features));

  const { exchanges, instruments, alerts, features } = parsed;
  const complete = exchanges && instruments && alerts && features;
  return {
    config: complete && issues.length === 0 ? { exchanges, instruments, alerts, features } : null,
    issues,
  };
}

// A profile for a misspelled id would silently never apply.
function checkProfilesNameInstruments(alerts: AlertsConfig, instruments: InstrumentsConfig): ConfigIssue[] {
  return Object.keys(alerts.thresholds)
    .filter((id) => id !== DEFAULT_PROFILE && !Object.hasOwn(instruments, id))
    .map((id) => ({
      file: 'alerts' as const,
      path: ['thresholds', id],
      message: `unknown instrument "${id}" (not in instruments.yaml)`,
    }));
}

// A depth rule on a band the core does not compute would never have a value.
function checkDepthBands(alerts: AlertsConfig, features: FeaturesConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
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
