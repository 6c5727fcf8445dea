import { resolveRules, type AlertsConfig } from '../../shared/config';
import type { RuleSpec } from '../../shared/core/rule-types';
import type { VolRegime } from './fair-value';
import type { LabelExpectation, LabelFamily, LabelFeedEvent } from './labels';
import type { OkxProtocol } from './okx-protocol';
import { SIM_INSTRUMENTS, SIM_VENUES, type SimVenue } from './sim-instruments';

/** Every scenario the simulator can run. */
export const SCENARIO_NAMES = [
  'calm',
  'spread_blowout',
  'liquidity_drain',
  'basis_dislocation',
  'mark_index_divergence',
  'volatile_but_normal',
  'stale_feed',
  'sequence_gap',
  'checksum_corruption',
  'disconnect',
  'silent_book_corruption',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export function isScenarioName(name: string): name is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(name);
}

/**
 * The OKX protocol of a run when none is asked for: the older one (socket
 * snapshots, real checksums), unless a scenario only exists under the 2026
 * one (silent_book_corruption: with a checksum it would be caught as a
 * checksum failure).
 */
export function defaultOkxProtocol(scenarios: readonly (ScenarioName | undefined)[]): OkxProtocol {
  return scenarios.includes('silent_book_corruption') ? '2026' : 'legacy';
}

/** Calm market before any injection: 5.5 minutes fill the 300-sample z-score window. */
export const DEFAULT_INJECT_AT_MS = 330_000;
/** Default run length; longer when an injection needs it (it always ends 30 s before the run). */
export const DEFAULT_DURATION_MS = 600_000;
const RECOVERY_MS = 30_000;

interface ScenarioDefaults {
  readonly venue: SimVenue | 'all';
  /** Canonical ids; `all` takes every listing of the venue. */
  readonly instruments: readonly string[] | 'all';
  readonly forMs: number;
  readonly perpOnly?: boolean;
}

/** Where and how long each scenario strikes unless told otherwise. */
const DEFAULTS: Readonly<Record<Exclude<ScenarioName, 'calm'>, ScenarioDefaults>> = {
  spread_blowout: { venue: 'binance-usdm', instruments: ['BTC-USDT-PERP'], forMs: 60_000 },
  liquidity_drain: { venue: 'okx', instruments: ['BTC-USDT-PERP'], forMs: 60_000 },
  basis_dislocation: { venue: 'binance-usdm', instruments: ['BTC-USDT-PERP'], forMs: 240_000, perpOnly: true },
  mark_index_divergence: { venue: 'okx', instruments: ['BTC-USDT-PERP'], forMs: 120_000, perpOnly: true },
  volatile_but_normal: { venue: 'all', instruments: 'all', forMs: 0 },
  stale_feed: { venue: 'okx', instruments: 'all', forMs: 20_000 },
  sequence_gap: { venue: 'binance-spot', instruments: ['BTC-USDT-SPOT'], forMs: 2_000 },
  checksum_corruption: { venue: 'okx', instruments: ['BTC-USDT-PERP'], forMs: 2_000 },
  disconnect: { venue: 'binance-usdm', instruments: 'all', forMs: 8_000 },
  silent_book_corruption: { venue: 'okx', instruments: ['BTC-USDT-PERP'], forMs: 5_000 },
};

/** What a caller may choose about a scenario. */
export interface ScenarioRequest {
  readonly scenario: ScenarioName;
  /** Venue to strike (default per scenario). */
  readonly venue?: SimVenue;
  /** Canonical ids on that venue (default per scenario). */
  readonly instruments?: readonly string[];
  /** Offset of the injection from the start of the run, ms (default 330 s). */
  readonly injectAtMs?: number;
  /** How long the anomaly lasts, ms (default per scenario). */
  readonly injectForMs?: number;
  /** Run length, ms (default 600 s, or longer to fit the injection and a 30 s recovery). */
  readonly durationMs?: number;
}

/** One injection with the magnitudes the market applies. */
export interface PlannedInjection {
  readonly scenario: ScenarioName;
  readonly venue: SimVenue;
  readonly instruments: readonly string[];
  readonly start: number;
  readonly end: number;
  readonly expect: readonly LabelExpectation[];
  readonly expectFeed: readonly LabelFeedEvent[];
  /** Spread range in bps per instrument id (blowout, volatile). */
  readonly spreadBps?: Readonly<Record<string, readonly [number, number]>>;
  /** Near-mid liquidity factor per instrument id (drain). */
  readonly depthFactor?: Readonly<Record<string, number>>;
  /** Perp mid (basis) or mark (mark_index) shift in bps per instrument id. */
  readonly shiftBps?: Readonly<Record<string, number>>;
}

/** A whole run: its window, the volatility regime forced on it, and its injections. */
export interface ScenarioPlan {
  readonly scenario: ScenarioName;
  readonly startTime: number;
  readonly endTime: number;
  readonly regime: VolRegime | null;
  readonly injections: readonly PlannedInjection[];
}

export interface PlanContext {
  readonly startTime: number;
  readonly okxProtocol: OkxProtocol;
  readonly alerts: AlertsConfig;
  /** features.yaml stale timeout: a silence longer than this is a stale episode. */
  readonly staleTimeoutMs: number;
  /** Sign of basis / mark shifts (+1 or -1), drawn from the seed by the caller. */
  readonly sign: 1 | -1;
}

function rulesOf(alerts: AlertsConfig, id: string): RuleSpec[] {
  return resolveRules(alerts, id, id.endsWith('-PERP') ? 'perpetual' : 'spot');
}

/** The most severe threshold of a metric's rules (largest for above, smallest for below). */
function criticalThreshold(rules: readonly RuleSpec[], metric: string, fallback: number): number {
  const own = rules.filter((r) => r.metric === metric);
  if (own.length === 0) return fallback;
  return own[0]!.direction === 'below' ? Math.min(...own.map((r) => r.threshold)) : Math.max(...own.map((r) => r.threshold));
}

/** Severities a family's rules can reach on these instruments. */
function expectations(alerts: AlertsConfig, ids: readonly string[], family: LabelFamily, metric: string): LabelExpectation[] {
  const severities = new Set<'warning' | 'critical'>();
  for (const id of ids) for (const rule of rulesOf(alerts, id)) if (rule.metric === metric) severities.add(rule.severity);
  return (['warning', 'critical'] as const).filter((s) => severities.has(s)).map((severity) => ({ family, severity }));
}

/** The severities of the rules on `metric` whose threshold a move of `magnitude` passes (cross-venue: only what the shift reaches). */
function expectationsPast(alerts: AlertsConfig, ids: readonly string[], family: LabelFamily, metric: string, magnitude: number): LabelExpectation[] {
  const severities = new Set<'warning' | 'critical'>();
  for (const id of ids) for (const rule of rulesOf(alerts, id)) if (rule.metric === metric && magnitude > 1.2 * rule.threshold) severities.add(rule.severity);
  return (['warning', 'critical'] as const).filter((s) => severities.has(s)).map((severity) => ({ family, severity }));
}

function listingIds(venue: SimVenue): string[] {
  return SIM_INSTRUMENTS.filter((i) => i.venue === venue).map((i) => i.id);
}

/** The default instrument, or the same asset's other listing where the venue does not list it (BTC-USDT-SPOT on USD-M -> BTC-USDT-PERP). */
function listedAlternative(id: string, known: readonly string[]): string {
  if (known.includes(id)) return id;
  const base = id.split('-')[0]!;
  return known.find((k) => k.startsWith(`${base}-`)) ?? id;
}

function perId<T>(ids: readonly string[], make: (id: string) => T): Record<string, T> {
  return Object.fromEntries(ids.map((id) => [id, make(id)]));
}

/**
 * Turns a request into a plan: when, where, how strong (magnitudes derived
 * from the alert rules in force, so that an anomaly is well past its critical
 * threshold and a normal market well inside), and what a correct console
 * should report.
 */
export function planScenario(request: ScenarioRequest, context: PlanContext): ScenarioPlan {
  const { scenario } = request;
  const start = context.startTime + (request.injectAtMs ?? DEFAULT_INJECT_AT_MS);
  if (scenario === 'calm') {
    const duration = request.durationMs ?? DEFAULT_DURATION_MS;
    return { scenario, startTime: context.startTime, endTime: context.startTime + duration, regime: null, injections: [] };
  }
  const defaults = DEFAULTS[scenario];
  const forMs = request.injectForMs ?? defaults.forMs;
  const minDuration = scenario === 'volatile_but_normal' ? 0 : start + forMs + RECOVERY_MS - context.startTime;
  const duration = request.durationMs ?? Math.max(DEFAULT_DURATION_MS, minDuration);
  const endTime = context.startTime + duration;
  const venues: SimVenue[] =
    request.venue !== undefined ? [request.venue] : defaults.venue === 'all' ? [...SIM_VENUES] : [defaults.venue];
  if (scenario === 'checksum_corruption' && (venues.some((v) => v !== 'okx') || context.okxProtocol !== 'legacy')) {
    throw new Error('checksum_corruption needs venue okx and --okx-protocol legacy (the 2026 protocol sends no checksum)');
  }
  if (scenario === 'silent_book_corruption' && (venues.some((v) => v !== 'okx') || context.okxProtocol !== '2026')) {
    // Under the legacy protocol the checksum would catch it: it would be checksum_corruption.
    throw new Error('silent_book_corruption needs venue okx and --okx-protocol 2026 (checksum 0: only the sequence guards the book)');
  }
  const injections = venues.map((venue): PlannedInjection => {
    const known = listingIds(venue);
    const ids = request.instruments ?? (defaults.instruments === 'all' ? known : defaults.instruments.map((id) => listedAlternative(id, known)));
    for (const id of ids) {
      if (!known.includes(id)) throw new Error(`${id} is not listed on ${venue} (listed: ${known.join(', ')})`);
      if (defaults.perpOnly && !id.endsWith('-PERP')) throw new Error(`${scenario} needs perpetuals; ${id} is not one`);
    }
    const whole = scenario === 'volatile_but_normal';
    const base = { scenario, venue, instruments: ids, start: whole ? context.startTime : start, end: whole ? endTime : start + forMs };
    const rules = (id: string) => rulesOf(context.alerts, id);
    switch (scenario) {
      case 'spread_blowout':
        return {
          ...base,
          expect: expectations(context.alerts, ids, 'spread', 'spread_bps'),
          expectFeed: [],
          // Well past critical, yet narrow enough that the levels 5-10 bps out keep the depth rule quiet.
          spreadBps: perId(ids, (id) => {
            const crit = criticalThreshold(rules(id), 'spread_bps', 5);
            return [Math.min(1.6 * crit, 11), Math.min(2.1 * crit, 12)] as const;
          }),
        };
      case 'liquidity_drain':
        return {
          ...base,
          expect: expectations(context.alerts, ids, 'depth', 'depth_10bps'),
          expectFeed: [],
          depthFactor: perId(ids, (id) => {
            const listing = SIM_INSTRUMENTS.find((i) => i.venue === venue && i.id === id)!;
            return (0.3 * criticalThreshold(rules(id), 'depth_10bps', 20_000)) / listing.depth10;
          }),
        };
      case 'basis_dislocation': {
        const shiftBps = perId(ids, (id) => context.sign * (1.3 * criticalThreshold(rules(id), 'basis_perp_spot_bps', 20) + 2));
        // The perpetual moves away from its spot and from its twin on the other venue: a cross-venue divergence too.
        const least = Math.min(...Object.values(shiftBps).map(Math.abs));
        return {
          ...base,
          expect: [...expectations(context.alerts, ids, 'basis', 'basis_perp_spot_bps'), ...expectationsPast(context.alerts, ids, 'cross_venue', 'cross_venue_bps', least)],
          expectFeed: [],
          shiftBps,
        };
      }
      case 'mark_index_divergence':
        return {
          ...base,
          expect: expectations(context.alerts, ids, 'mark_index', 'basis_mark_index_bps'),
          expectFeed: [],
          shiftBps: perId(ids, (id) => context.sign * (1.3 * criticalThreshold(rules(id), 'basis_mark_index_bps', 25) + 2)),
        };
      case 'volatile_but_normal':
        return {
          ...base,
          expect: [],
          expectFeed: [],
          // Wide and noisy from the first sample, with a bounded distribution
          // (see SimMarket.spreadTicks) whose extremes sit ~1.4 sd from its
          // mean, so the z-score never passes 2 however wide the spread gets.
          spreadBps: perId(ids, (id) => {
            const r = rules(id).filter((x) => x.metric === 'spread_bps');
            const warn = r.length > 0 ? Math.min(...r.map((x) => x.threshold)) : 3;
            const crit = criticalThreshold(r, 'spread_bps', 5);
            return [0.5 * warn, 1.3 * crit] as const;
          }),
        };
      case 'stale_feed':
        return { ...base, expect: [], expectFeed: forMs > context.staleTimeoutMs ? ['stale'] : [] };
      case 'sequence_gap':
        return { ...base, expect: [], expectFeed: ['gap', 'resync'] };
      case 'checksum_corruption':
        return { ...base, expect: [], expectFeed: ['checksum_failure', 'resync'] };
      case 'silent_book_corruption':
        // Diffs with a wrong best-bid size and the right seqId: only the
        // book-top cross-check (book vs tickers) sees it, flags a drift and
        // forces a resync from a fresh REST snapshot.
        return { ...base, expect: [], expectFeed: ['book_drift', 'resync'] };
      case 'disconnect': {
        const stale: LabelFeedEvent[] = forMs > context.staleTimeoutMs + 500 ? ['stale'] : [];
        // Replay keeps the old book across the silence: the first diff after
        // reconnecting breaks the chain (gap) and the new REST snapshot
        // resyncs it. A socket snapshot on subscribe (legacy OKX, Bybit) simply replaces the book.
        const snapshotOnSubscribe = (venue === 'okx' && context.okxProtocol === 'legacy') || venue === 'bybit';
        const chain: LabelFeedEvent[] = snapshotOnSubscribe ? [] : ['gap', 'resync'];
        return { ...base, expect: [], expectFeed: [...stale, ...chain] };
      }
    }
  });
  return { scenario, startTime: context.startTime, endTime, regime: scenario === 'volatile_but_normal' ? 'volatile' : null, injections };
}

/**
 * Several plans of the same run as one (a live demo's schedule): every
 * injection of each, the widest window, and the volatile regime if any plan
 * forces it. Injections of different scenarios never interfere: the market
 * asks for each scenario's effect by name.
 */
export function mergePlans(plans: readonly ScenarioPlan[]): ScenarioPlan {
  const first = plans[0];
  if (first === undefined) throw new Error('mergePlans: no plan');
  return {
    scenario: first.scenario,
    startTime: Math.min(...plans.map((p) => p.startTime)),
    endTime: Math.max(...plans.map((p) => p.endTime)),
    regime: plans.find((p) => p.regime !== null)?.regime ?? null,
    injections: plans.flatMap((p) => p.injections),
  };
}
