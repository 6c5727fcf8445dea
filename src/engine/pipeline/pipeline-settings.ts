import { resolveFeedRules, resolveRules, type Config } from '../../shared/config';
import type { Instrument } from '../../shared/core/model';
import type { RuleSpec } from '../../shared/core/rule-types';
import type { PipelineSettings } from './surveillance-pipeline';

/** The pipeline's settings from a loaded config; rules resolved once per instrument id, type and tier. */
export function pipelineSettingsFrom(config: Config): PipelineSettings {
  const rules = new Map<string, readonly RuleSpec[]>();
  return {
    sampleIntervalMs: config.features.sampling.intervalMs,
    staleTimeoutMs: config.features.staleTimeoutSeconds * 1000,
    referenceStaleMs: config.features.referenceStaleSeconds * 1000,
    maxPauseMs: config.alerts.lifecycle.maxPauseSeconds * 1000,
    depthBandsBps: config.features.depthBandsBps,
    zscore: config.features.zscore,
    instruments: config.instruments,
    limits: config.features.limits,
    deepVerify: config.features.deepVerify,
    feedRules: resolveFeedRules(config.alerts.feed, config.alerts.lifecycle.clearSeconds),
    rulesFor(instrument: Instrument): readonly RuleSpec[] {
      const cacheKey = `${instrument.id}|${instrument.type}|${instrument.tier ?? ''}`;
      let resolved = rules.get(cacheKey);
      if (!resolved) {
        resolved = resolveRules(config.alerts, instrument.id, instrument.type, instrument.tier ?? null);
        rules.set(cacheKey, resolved);
      }
      return resolved;
    },
  };
}
