import { compareSeverity } from '../../shared/core/alert-rules';
import type { Alert, AlertEvent, Severity } from '../../shared/core/model';
import type { ReportVenue } from '../replay/replay-report';
import { familyOf, type ExpectedFeedEvent, type GroundTruth, type RuleFamily } from './ground-truth';

/** An alert that fires this long after its injection ended is no longer explained by it. */
export const MATCH_GRACE_MS = 30_000;

/** What one replayed scenario run produced, as the scorer needs it. */
export interface RunObservation {
  readonly truth: GroundTruth;
  /** Every alert the replay opened (pending-only ones are ignored). */
  readonly alerts: readonly Alert[];
  readonly trail: readonly AlertEvent[];
  readonly venues: readonly ReportVenue[];
  /**
   * The longest a correct detection may take: the rule's persistence plus two
   * sampling intervals (warmup is over before any injection).
   */
  boundMs(venue: string, instrumentId: string, family: RuleFamily, severity: Severity): number;
}

export interface Detection {
  readonly scenario: string;
  readonly seed: number;
  readonly venue: string;
  readonly instrumentId: string;
  readonly family: RuleFamily;
  readonly severity: Severity;
  /** When an alert of the family first reached the severity; null: missed. */
  readonly detectedAt: number | null;
  readonly ttdMs: number | null;
  readonly boundMs: number;
}

export interface FalseAlarm {
  readonly scenario: string;
  readonly seed: number;
  readonly alertId: string;
  readonly venue: string;
  readonly instrumentId: string;
  readonly family: RuleFamily;
  /** The highest severity the alert reached. */
  readonly severity: Severity;
  readonly firedAt: number;
}

export interface FeedCheck {
  readonly scenario: string;
  readonly seed: number;
  readonly venue: string;
  readonly event: ExpectedFeedEvent;
  readonly seen: boolean;
}

export interface RunScore {
  readonly scenario: string;
  readonly seed: number;
  readonly detections: readonly Detection[];
  readonly falseAlarms: readonly FalseAlarm[];
  readonly feedChecks: readonly FeedCheck[];
}

/** First time an alert reached `severity` (fired at it, or escalated to it); null if never. */
function reachedAt(trail: readonly AlertEvent[], alertId: string, severity: Severity): number | null {
  for (const e of trail) {
    if (e.alertId !== alertId || (e.kind !== 'firing' && e.kind !== 'escalated')) continue;
    if (compareSeverity(e.severity, severity) >= 0) return e.time;
  }
  return null;
}

function highestSeverity(trail: readonly AlertEvent[], alertId: string): Severity {
  return reachedAt(trail, alertId, 'critical') !== null ? 'critical' : 'warning';
}

const FEED_COUNTER: Readonly<Record<ExpectedFeedEvent, keyof ReportVenue>> = {
  gap: 'sequenceGaps',
  checksum_failure: 'checksumFailures',
  stale: 'staleEpisodes',
  resync: 'resyncs',
  book_drift: 'bookDrifts',
};

/**
 * Scores one run against its labels: every expected (instrument, family,
 * severity) is detected or missed; every fired alert no injection explains is
 * a false alarm; every expected feed event is seen or not.
 */
export function scoreRun(run: RunObservation): RunScore {
  const { truth } = run;
  const fired = run.alerts.filter((a) => a.firedAt !== null);
  const explained = new Set<string>();
  const detections: Detection[] = [];
  const feedChecks: FeedCheck[] = [];

  for (const injection of truth.injections) {
    const inWindow = (a: Alert) =>
      a.venue === injection.venue &&
      injection.instruments.includes(a.instrumentId) &&
      a.firedAt! >= injection.start &&
      a.firedAt! <= injection.end + MATCH_GRACE_MS;
    const inTime = (a: Alert) => a.firedAt! >= injection.start && a.firedAt! <= injection.end + MATCH_GRACE_MS;
    for (const alert of fired) {
      const family = familyOf(alert.metric);
      if (inWindow(alert) && injection.expect.some((e) => e.family === family)) explained.add(alert.id);
      // A divergence between two venues shows on both: the peer venue's view of it is explained too.
      if (family === 'cross_venue' && inTime(alert) && injection.instruments.includes(alert.instrumentId) && injection.expect.some((e) => e.family === 'cross_venue')) {
        explained.add(alert.id);
      }
      // A feed fault is meant to raise feed-integrity alerts on its venue; anywhere else they are false alarms.
      if (family === 'feed' && alert.venue === injection.venue && inTime(alert) && injection.expectFeed.length > 0) explained.add(alert.id);
    }
    for (const instrumentId of injection.instruments) {
      for (const { family, severity } of injection.expect) {
        let detectedAt: number | null = null;
        for (const alert of fired) {
          if (alert.instrumentId !== instrumentId || familyOf(alert.metric) !== family || !inWindow(alert)) continue;
          const at = reachedAt(run.trail, alert.id, severity);
          if (at !== null && (detectedAt === null || at < detectedAt)) detectedAt = at;
        }
        detections.push({
          scenario: truth.scenario,
          seed: truth.seed,
          venue: injection.venue,
          instrumentId,
          family,
          severity,
          detectedAt,
          ttdMs: detectedAt === null ? null : detectedAt - injection.start,
          boundMs: run.boundMs(injection.venue, instrumentId, family, severity),
        });
      }
    }
    for (const event of injection.expectFeed) {
      const venue = run.venues.find((v) => v.venue === injection.venue);
      feedChecks.push({
        scenario: truth.scenario,
        seed: truth.seed,
        venue: injection.venue,
        event,
        seen: venue !== undefined && (venue[FEED_COUNTER[event]] as number) > 0,
      });
    }
  }

  const falseAlarms: FalseAlarm[] = fired
    .filter((a) => !explained.has(a.id))
    .map((a) => ({
      scenario: truth.scenario,
      seed: truth.seed,
      alertId: a.id,
      venue: a.venue,
      instrumentId: a.instrumentId,
      family: familyOf(a.metric),
      severity: highestSeverity(run.trail, a.id),
      firedAt: a.firedAt!,
    }));
  return { scenario: truth.scenario, seed: truth.seed, detections, falseAlarms, feedChecks };
}
