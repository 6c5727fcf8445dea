import type { PlannedInjection, ScenarioPlan } from './scenarios';
import type { SimVenue } from './sim-instruments';

/**
 * What the plan does to the market at a given time: the questions the
 * simulated exchange asks on every update. One-shot faults (a dropped diff,
 * a bad checksum) fire on the first message at or after their start.
 */
export class ScenarioEffects {
  private readonly fired = new Set<string>();

  constructor(readonly plan: ScenarioPlan) {}

  private active(scenario: string, venue: SimVenue, time: number, id?: string): PlannedInjection | undefined {
    return this.plan.injections.find(
      (i) =>
        i.scenario === scenario &&
        i.venue === venue &&
        time >= i.start &&
        // An injection that lasts the whole run stays on through its last step.
        (time < i.end || i.end >= this.plan.endTime) &&
        (id === undefined || i.instruments.includes(id)),
    );
  }

  /** Spread range in bps forced on an instrument, or null for the normal 1-2 ticks. */
  spreadBps(venue: SimVenue, id: string, time: number): readonly [number, number] | null {
    const injection = this.active('spread_blowout', venue, time, id) ?? this.active('volatile_but_normal', venue, time, id);
    return injection?.spreadBps?.[id] ?? null;
  }

  /** Liquidity multiplier near the mid (1 unless drained). */
  depthFactor(venue: SimVenue, id: string, time: number): number {
    return this.active('liquidity_drain', venue, time, id)?.depthFactor?.[id] ?? 1;
  }

  /** Perp mid shift away from spot and index, bps. */
  basisShiftBps(venue: SimVenue, id: string, time: number): number {
    return this.active('basis_dislocation', venue, time, id)?.shiftBps?.[id] ?? 0;
  }

  /** Mark shift away from the index, bps. */
  markShiftBps(venue: SimVenue, id: string, time: number): number {
    return this.active('mark_index_divergence', venue, time, id)?.shiftBps?.[id] ?? 0;
  }

  /** The venue publishes nothing (its matching engine's feed stalls). */
  silent(venue: SimVenue, time: number): boolean {
    return this.active('stale_feed', venue, time) !== undefined;
  }

  /** The venue's connections are down (capture: frames lost; server: sockets closed, reconnects refused). */
  disconnected(venue: SimVenue, time: number): boolean {
    return this.active('disconnect', venue, time) !== undefined;
  }

  /** The disconnect windows of a venue. */
  disconnects(venue: SimVenue): PlannedInjection[] {
    return this.plan.injections.filter((i) => i.scenario === 'disconnect' && i.venue === venue);
  }

  /** True once, for the first book message of this instrument at or after a sequence_gap start. */
  takeDrop(venue: SimVenue, id: string, time: number): boolean {
    return this.takeOnce('sequence_gap', venue, id, time);
  }

  /** True once, for the first OKX book message of this instrument at or after a checksum_corruption start. */
  takeCorruption(venue: SimVenue, id: string, time: number): boolean {
    return this.takeOnce('checksum_corruption', venue, id, time);
  }

  /**
   * silent_book_corruption: while active, every book message of this
   * instrument carries a wrong size for the best bid, with the right
   * sequence numbers (and, under OKX 2026, checksum 0).
   */
  corruptsBook(venue: SimVenue, id: string, time: number): boolean {
    return this.active('silent_book_corruption', venue, time, id) !== undefined;
  }

  /** The silent_book_corruption windows of a venue. */
  silentCorruptions(venue: SimVenue): PlannedInjection[] {
    return this.plan.injections.filter((i) => i.scenario === 'silent_book_corruption' && i.venue === venue);
  }

  private takeOnce(scenario: string, venue: SimVenue, id: string, time: number): boolean {
    const key = (i: PlannedInjection): string => `${i.scenario}|${i.venue}|${id}|${i.start}`;
    const injection = this.plan.injections.find(
      (i) => i.scenario === scenario && i.venue === venue && i.instruments.includes(id) && time >= i.start && !this.fired.has(key(i)),
    );
    if (injection === undefined) return false;
    this.fired.add(key(injection));
    return true;
  }
}
