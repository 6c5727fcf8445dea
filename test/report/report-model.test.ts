import { describe, expect, it } from 'vitest';
import type { AlertEventKind } from '../../src/shared/core/model';
import { renderReportHtml, REPORT_CSP } from '../../src/engine/report/report-html';
import {
  buildInstrumentReport,
  buildMarketReport,
  weightedPercentile,
  type InstrumentInput,
  type ReportAlert,
  type ReportSample,
} from '../../src/engine/report/report-model';

const DAY = Date.UTC(2026, 2, 2);
const END = DAY + 86_400_000;
const CAP = 1000;
const ctx = { from: DAY, to: END, capMs: CAP, generatedAt: END + 3_600_000 };

function sample(offset: number, values: Record<string, number | null>, judged = true): ReportSample {
  return { time: DAY + offset, judged, values };
}

function input(over: Partial<InstrumentInput> = {}): InstrumentInput {
  return {
    key: 'binance-usdm:TESTUSDT',
    instrumentId: 'TEST-USDT-PERP',
    venue: 'binance-usdm',
    symbol: 'TESTUSDT',
    type: 'perpetual',
    data: { source: 'samples', samples: [] },
    alerts: [],
    feedEvents: [],
    depthThresholds: [],
    ...over,
  };
}

describe('time weighting', () => {
  it('weighs each sample by the time until the next one, capped at the sampling interval', () => {
    // 0 s: 1 bps held 1 s; 1 s: 3 bps held 0.5 s; 1.5 s: 10 bps held 1 s of a 2.5 s silence; 4 s: 2 bps held 1 s (the last).
    const samples = [sample(0, { spread_bps: 1 }), sample(1000, { spread_bps: 3 }), sample(1500, { spread_bps: 10 }), sample(4000, { spread_bps: 2 })];
    const r = buildInstrumentReport(input({ data: { source: 'samples', samples } }), ctx);
    expect(r.spread!.judgedMs).toBe(3500);
    expect(r.spread!.mean).toBeCloseTo((1 * 1000 + 3 * 500 + 10 * 1000 + 2 * 1000) / 3500, 12);
    // Sorted: 1 (1000), 2 (1000), 3 (500), 10 (1000): cumulative 1000, 2000, 2500, 3500 of 3500.
    expect(r.spread!.percentiles[0.5]).toBe(2); // 1750 reached at 2000
    expect(r.spread!.percentiles[0.95]).toBe(10); // 3325 reached only at 3500
    expect(r.spread!.percentiles[0.05]).toBe(1);
    expect(r.spread!.min).toBe(1);
    expect(r.spread!.max).toBe(10);
    expect(r.spread!.approximate).toBe(false);
    // A plain sample count would give the median 2.5 and a mean of 4: the weighting matters.
    expect(r.sampleCount).toBe(4);
  });

  it('the percentile is the first value whose cumulative weight reaches the bar', () => {
    const sorted = [
      { value: 1, weight: 98 },
      { value: 5, weight: 1 },
      { value: 9, weight: 1 },
    ];
    expect(weightedPercentile(sorted, 100, 0.5)).toBe(1);
    expect(weightedPercentile(sorted, 100, 0.98)).toBe(1);
    expect(weightedPercentile(sorted, 100, 0.99)).toBe(5);
    expect(weightedPercentile(sorted, 100, 1)).toBe(9);
    expect(weightedPercentile([], 0, 0.5)).toBeNull();
  });

  it('a sample before the day holds into it, and the last one of the day stops at midnight', () => {
    const samples = [
      { time: DAY - 400, judged: true, values: { spread_bps: 7 } },
      sample(86_400_000 - 300, { spread_bps: 1 }),
    ];
    const r = buildInstrumentReport(input({ data: { source: 'samples', samples } }), ctx);
    // 600 ms of the sample of 23:59:59.600 the day before, 300 ms of the last one.
    expect(r.spread!.judgedMs).toBe(900);
    expect(r.spread!.mean).toBeCloseTo((7 * 600 + 1 * 300) / 900, 12);
    expect(r.sampleCount).toBe(1);
    expect(r.coverage.validMs).toBe(900);
  });
});

describe('coverage', () => {
  it('counts valid-book time, sampled time and silences longer than the cap', () => {
    const samples = [
      sample(0, { spread_bps: 1 }),
      sample(1000, { spread_bps: 1 }, false), // book invalid: sampled, not judged
      sample(2000, { spread_bps: 1 }),
      sample(10_000, { spread_bps: 1 }), // 7 s silence before it
      sample(11_000, { spread_bps: 1 }),
      sample(20_000, { spread_bps: 1 }), // 8 s silence
    ];
    const r = buildInstrumentReport(input({ data: { source: 'samples', samples } }), ctx);
    expect(r.coverage.sampledMs).toBe(6000);
    expect(r.coverage.validMs).toBe(5000);
    expect(r.coverage.holeCount).toBe(2);
    expect(r.coverage.holes[0]).toEqual({ start: DAY + 12_000, end: DAY + 20_000 });
    expect(r.coverage.holes[1]).toEqual({ start: DAY + 3000, end: DAY + 10_000 });
    expect(r.coverage.buckets).toHaveLength(96);
    expect(r.coverage.buckets[0]!.valid).toBeCloseTo(5000 / 900_000, 12);
    expect(r.coverage.buckets[1]!.sampled).toBe(0);
    // The invalid sample's spread is not judged.
    expect(r.spread!.judgedMs).toBe(5000);
  });

  it('a depth value whose band the book did not reach is left out, and time below a threshold is of judged time', () => {
    const samples = [
      sample(0, { depth_10bps: 10_000 }),
      sample(1000, { depth_10bps: 60_000 }),
      sample(2000, { depth_10bps: null }), // the book did not reach the band (the reader drops the value)
      sample(3000, { depth_10bps: 30_000 }),
    ];
    const thresholds = [
      { rule: 'depth_warning', metric: 'depth_10bps', threshold: 50_000, severity: 'warning' as const, source: 'alerts.yaml (default profile)' },
      { rule: 'depth_critical', metric: 'depth_10bps', threshold: 20_000, severity: 'critical' as const, source: 'alerts.yaml (default profile)' },
    ];
    const r = buildInstrumentReport(input({ data: { source: 'samples', samples }, depthThresholds: thresholds }), ctx);
    expect(r.depth.map((d) => d.metric)).toEqual(['depth_10bps']);
    expect(r.depthThresholds.map((t) => [t.threshold.rule, t.belowMs, t.judgedMs])).toEqual([
      ['depth_warning', 2000, 3000],
      ['depth_critical', 1000, 3000],
    ]);
    expect(r.coverage.validMs).toBe(4000);
  });

  it('from rollups: exact coverage and extremes, percentiles of minute means, time below with bounds', () => {
    const minute = (m: number, mean: number, min: number, max: number, validMs: number) => ({
      start: DAY + m * 60_000,
      samples: 60,
      bookMs: validMs,
      series: { depth_10bps: { min, max, mean, last: mean, validMs } },
    });
    const rows = [minute(0, 100, 50, 150, 60_000), minute(1, 300, 240, 320, 30_000), minute(5, 200, 120, 260, 60_000)];
    const thresholds = [{ rule: 'depth_warning', metric: 'depth_10bps', threshold: 250, severity: 'warning' as const, source: 'test' }];
    const r = buildInstrumentReport(input({ data: { source: 'rollups', level: 'minute', stepMs: 60_000, rows }, depthThresholds: thresholds }), ctx);
    expect(r.source).toBe('minute rollups');
    const d = r.depth[0]!;
    expect(d.approximate).toBe(true);
    expect(d.min).toBe(50);
    expect(d.max).toBe(320);
    expect(d.mean).toBeCloseTo((100 * 60 + 300 * 30 + 200 * 60) / 150, 12);
    expect(d.percentiles[0.5]).toBe(200);
    expect(r.coverage.validMs).toBe(150_000);
    expect(r.coverage.holeCount).toBe(1);
    const t = r.depthThresholds[0]!;
    // Means below 250: minutes 0 and 5; max below: minute 0 only; min below: all three.
    expect(t.belowMs).toBe(120_000);
    expect(t.belowMsBounds).toEqual([60_000, 150_000]);
  });
});

function alert(over: Partial<ReportAlert> & Pick<ReportAlert, 'id' | 'events'>): ReportAlert {
  return { rule: 'spread_warning', metric: 'spread_bps', peakSeverity: 'warning', openedAt: DAY, firedAt: DAY, resolvedAt: null, ...over };
}

const ev = (kind: AlertEventKind, offset: number, rule: string, severity: 'warning' | 'critical' = 'warning', threshold = 3) => ({ kind, time: DAY + offset, rule, severity, threshold });

describe('alerts by rule', () => {
  it('clips to the day: opened before it, still open at its end, escalated from one rule to another, cancelled', () => {
    const alerts: ReportAlert[] = [
      // Fired the day before, resolved 10 min into the day.
      alert({ id: 'a', openedAt: DAY - 3_600_000, firedAt: DAY - 3_000_000, resolvedAt: DAY + 600_000, events: [ev('pending', -3_600_000, 'spread_warning'), ev('firing', -3_000_000, 'spread_warning'), ev('resolved', 600_000, 'spread_warning')] }),
      // Fired at 12:00, escalated at 12:30, still firing at midnight.
      alert({
        id: 'b',
        rule: 'spread_critical',
        peakSeverity: 'critical',
        openedAt: DAY + 43_200_000,
        firedAt: DAY + 43_200_000,
        events: [ev('firing', 43_200_000, 'spread_warning'), ev('acknowledged', 43_300_000, 'spread_warning'), ev('escalated', 45_000_000, 'spread_critical', 'critical', 5)],
      }),
      // Pending 20 s, never fired.
      alert({ id: 'c', firedAt: null, openedAt: DAY + 1000, resolvedAt: DAY + 21_000, events: [ev('pending', 1000, 'spread_warning'), ev('cancelled', 21_000, 'spread_warning')] }),
      // 5 s, in the day.
      alert({ id: 'd', openedAt: DAY + 70_000_000, firedAt: DAY + 70_000_000, resolvedAt: DAY + 70_005_000, events: [ev('firing', 70_000_000, 'spread_warning'), ev('resolved', 70_005_000, 'spread_warning')] }),
    ];
    const r = buildInstrumentReport(input({ alerts }), ctx);
    const warning = r.alertsByRule.find((x) => x.rule === 'spread_warning')!;
    const critical = r.alertsByRule.find((x) => x.rule === 'spread_critical')!;
    expect(warning).toMatchObject({ fired: 3, carriedIn: 1, openAtEnd: 0, cancelled: 1, firingMs: 600_000 + 1_800_000 + 5000, longestMs: 1_800_000, thresholds: [3] });
    expect(critical).toMatchObject({ fired: 1, carriedIn: 0, openAtEnd: 1, cancelled: 0, firingMs: END - (DAY + 45_000_000), thresholds: [5] });
    expect(r.alertsFired).toBe(3);
    expect(r.alertSpans.find((s) => s.alertId === 'a')).toMatchObject({ start: DAY, end: DAY + 600_000, open: false });
  });

  it("today's report counts an open alert until the time it was made, not midnight", () => {
    const alerts = [alert({ id: 'x', firedAt: DAY + 1000, events: [ev('firing', 1000, 'spread_warning')] })];
    const r = buildInstrumentReport(input({ alerts }), { ...ctx, generatedAt: DAY + 61_000 });
    expect(r.alertsByRule[0]).toMatchObject({ fired: 1, openAtEnd: 1, firingMs: 60_000 });
  });

  it('an alert without an audit trail fires under its own rule from fired_at to resolved_at', () => {
    const alerts = [alert({ id: 'y', rule: 'depth_critical', metric: 'depth_10bps', firedAt: DAY + 5000, resolvedAt: DAY + 9000, events: [] })];
    const r = buildInstrumentReport(input({ alerts }), ctx);
    expect(r.alertsByRule).toEqual([expect.objectContaining({ rule: 'depth_critical', fired: 1, firingMs: 4000 })]);
  });
});

describe('feed incidents', () => {
  it('pairs stale with fresh per scope, carries one in from before the day, leaves one open at the end, counts point events', () => {
    const e = (kind: string, offset: number, key: string | null = null) => ({ time: DAY + offset, venue: 'okx', key, kind, detail: null });
    const r = buildInstrumentReport(
      input({
        feedEvents: [e('stale', -5000), e('fresh', 10_000), e('stale', 100_000, 'okx:BTC-USDT'), e('gap', 100_500, 'okx:BTC-USDT'), e('fresh', 115_000, 'okx:BTC-USDT'), e('resync', 116_000, 'okx:BTC-USDT'), e('stale', 86_390_000)],
      }),
      ctx,
    );
    expect(r.feedIncidents.map((i) => [i.kind, i.key, i.start - DAY, i.end - DAY, i.open])).toEqual([
      ['stale', null, 0, 10_000, false],
      ['stale', 'okx:BTC-USDT', 100_000, 115_000, false],
      ['stale', null, 86_390_000, 86_400_000, true],
    ]);
    expect(r.feedEventCounts).toEqual({ gap: 1, resync: 1 });
  });
});

describe('HTML', () => {
  it('is one self-contained page: strict CSP, no script, no URL to fetch, text escaped, figures tagged', () => {
    const report = buildMarketReport({
      day: '2026-03-02',
      from: DAY,
      to: END,
      generatedAt: END,
      capMs: CAP,
      configSource: 'config/<shipped>',
      history: '/tmp/h&story.sqlite',
      instruments: [input({ data: { source: 'samples', samples: [sample(0, { spread_bps: 1.5, depth_bid_10bps: 900 }), sample(1000, { spread_bps: 2.5, depth_bid_10bps: 1100 })] } })],
    });
    const html = renderReportHtml(report);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`);
    expect(REPORT_CSP).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\bsrc=|url\(/i);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).toContain('/tmp/h&amp;story.sqlite');
    expect(html).toContain('config/&lt;shipped&gt;');
    expect(html).toContain('data-figure="binance-usdm:TESTUSDT|series|spread_bps|p95" data-value="2.5"');
    expect(html).toContain('data-figure="binance-usdm:TESTUSDT|coverage|valid_ms" data-value="2000"');
    expect((html.match(/<svg class="chart"/g) ?? []).length).toBeGreaterThanOrEqual(4);
    expect(report.empty).toBe(false);
  });

  it('an empty day says so', () => {
    const report = buildMarketReport({ day: '2026-03-02', from: DAY, to: END, generatedAt: END, capMs: CAP, configSource: 'c', history: 'h', instruments: [] });
    expect(report.empty).toBe(true);
    expect(renderReportHtml(report)).toMatch(/data-empty="true">No data for this day/);
  });
});
