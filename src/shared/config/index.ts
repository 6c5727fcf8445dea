// Public surface of the pure config layer; the engine adds file reading on top.
export { isConfigError } from './config-error';
export { composeConfigSchemas } from './validate-config';
export type { Config } from './validate-config';
export { resolveRules } from './resolve-rules';
export { DEFAULT_PROFILE } from './alerts-schema';
export type { AlertsConfig, TierConfig } from './alerts-schema';
export { NO_SELECTION } from './selection-schema';
export type { SelectableVenue, SelectionRule } from './selection-schema';
export { resolveFeedRules } from './feed-alerts-schema';
export type { FeedRuleConfig } from './feed-alerts-schema';
export { connectionSchema, exchangeBlocks } from './exchanges-schema';
export type { ConnectionSettings, ExchangesConfig } from './exchanges-schema';
export { listingFields } from './instruments-schema';
export type { DepthStream, InstrumentConfig, InstrumentsConfig, VenueListing } from './instruments-schema';
export { DEFAULT_DEEP_VERIFY, DEFAULT_LIMITS } from './features-schema';
export type { DeepVerifySettings, LimitsSettings } from './features-schema';
export { isFeedMetricName } from './metric-names';
export type { SimulatorEndpoint, VenueConfigPlugin } from './venue-config';
