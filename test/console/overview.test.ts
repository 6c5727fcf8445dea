import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config';
import { overviewRow, rowContext, venueWarmup } from '../../src/engine/console/overview';
import { SHOWCASE_SCHEDULE } from '../../src/engine/console/demo-schedule';
import { startSimServer } from '../../src/engine/simulator';
import type { Alert } from '../../src/shared/core/model';
import type { SampleEvaluation } from '../../src/shared/core/surveillance-evaluator';
import { SHIPPED_CONFIG } from '../config/helpers';

const CONFIG = loadConfig(SHIPPED_CONFIG);
const context = rowContext(CONFIG);

function evaluation(health: { stale: boolean; bookValid: boolean }, spreadReady: boolean): SampleEvaluation {
  return {
    sample: { key: 'okx:BTC-USDT-SWAP', instrumentId: 'BTC-USDT-PERP', venue: 'okx', time: 1_000, values: { spread_bps: 1 }, covered: {}, health },
    zscores: { spread_bps: spreadReady ? { ready: true, z: 0.5, mean: 1, std: 0.1 } : { ready: false, samples: 12, needed: 30 } },
    outcomes: [],
    rules: [],
    events: [],
    alerts: [],
    reset: false,
  };
}

function alert(state: Alert['state'], severity: Alert['severity']): Alert {
  return {
    id: `a-${state}-${severity}`,
    key: 'okx:BTC-USDT-SWAP',
    instrumentId: 'BTC-USDT-PERP',
    venue: 'okx',
    metric: 'spread_bps',
    state,
    severity,
    rule: 'spread_critical',
    openedAt: 1,
    firedAt: state === 'firing' ? 1 : null,
    resolvedAt: null,
    value: 9,
    zscore: 5,
    threshold: 5,
    acknowledged: null,
  };
}

const ok = { stale: false, bookValid: true };

describe('overview rows', () => {
  it('ranks status worst first: firing severity, invalid book, stale feed, warmup, normal', () => {
    expect(overviewRow(evaluation(ok, true), [alert('firing', 'critical'), alert('firing', 'warning')], context).status).toBe('critical');
    expect(overviewRow(evaluation({ stale: true, bookValid: false }, true), [alert('firing', 'warning')], context).status).toBe('warning');
    expect(overviewRow(evaluation({ stale: true, bookValid: false }, true), [], context).status).toBe('invalid');
    expect(overviewRow(evaluation({ stale: true, bookValid: true }, false), [], context).status).toBe('stale');
    expect(overviewRow(evaluation(ok, false), [], context).status).toBe('warming_up');
    // A pending alert counts as open but does not colour the row: its persistence is not met yet.
    const pending = overviewRow(evaluation(ok, true), [alert('pending', 'critical')], context);
    expect(pending).toMatchObject({ status: 'normal', openAlerts: 1, type: 'perpetual', symbol: 'BTC-USDT-SWAP' });
  });

  it('shows z-scores with their warmup, and a venue warmup as its least warmed window', () => {
    const warming = overviewRow(evaluation(ok, false), [], context);
    expect(warming.zscores.spread_bps).toEqual({ z: null, samples: 12, needed: 30 });
    const warm = overviewRow(evaluation(ok, true), [], context);
    expect(warm.zscores.spread_bps).toEqual({ z: 0.5, samples: 30, needed: 30 });
    expect(venueWarmup([warm, warming])).toEqual({ samples: 12, needed: 30 });
    expect(venueWarmup([])).toBeNull();
  });
});

describe('the showcase demo schedule', () => {
  it('plans every alert family to fire and clear within two minutes, then feed faults', async () => {
    const server = await startSimServer({ schedule: SHOWCASE_SCHEDULE, alerts: CONFIG.alerts, staleTimeoutMs: 5_000 });
    try {
      const { labels } = server;
      const start = labels.captureStart;
      const families = labels.injections.flatMap((i) => i.expect.map((e) => e.family));
      expect(new Set(families)).toEqual(new Set(['spread', 'depth', 'basis', 'mark_index', 'cross_venue']));
      const clearMs = CONFIG.alerts.lifecycle.clearSeconds * 1000;
      for (const injection of labels.injections.filter((i) => i.expect.length > 0)) {
        // Past the z-score warmup (min_samples at 1 s sampling, plus connecting), cleared before two minutes.
        expect(injection.start - start, injection.scenario).toBeGreaterThanOrEqual(CONFIG.features.zscore.minSamples * 1000 + 5_000);
        expect(injection.end + clearMs - start, injection.scenario).toBeLessThanOrEqual(120_000);
      }
      expect(labels.injections.flatMap((i) => i.expectFeed)).toEqual(expect.arrayContaining(['gap', 'checksum_failure', 'resync', 'stale']));
    } finally {
      await server.close();
    }
  });
});
