// Public surface of the pure config layer; the engine adds file reading on top.
export { ConfigError, isConfigError } from './config-error';
export { CONFIG_FILES, CONFIG_FILE_NAMES, formatPath } from './config-files';
export type { ConfigFileName, ConfigIssue, ConfigPath } from './config-files';
export { validateConfig } from './validate-config';
export type { Config, RawConfig, ValidationResult } from './validate-config';
export { resolveRules } from './resolve-rules';
export { DEFAULT_PROFILE, alertsSchema } from './alerts-schema';
export type { AlertsConfig, RuleConfig, RuleProfile } from './alerts-schema';
export { EXCHANGE_NAMES, exchangesSchema } from './exchanges-schema';
export type { BinanceConfig, ConnectionSettings, ExchangeName, ExchangesConfig, OkxConfig } from './exchanges-schema';
export { instrumentsSchema } from './instruments-schema';
export type { DepthStream, InstrumentConfig, InstrumentsConfig, VenueListing } from './instruments-schema';
export { PG_URL_ENV, featuresSchema } from './features-schema';
export type { FeaturesConfig, StorageSettings, SyncSettings } from './features-schema';
export { depthBandOf, isMetricName, metricAppliesTo } from './metric-names';
export { enabledVenueInstruments, venueIdOf } from './venue-instruments';
export type { VenueInstrumentConfig } from './venue-instruments';
