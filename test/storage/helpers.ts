import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Alert, AlertEvent } from '../../src/shared/core/model';
import { PERP } from './fixtures/synthetic';

/** A fresh folder for a test database. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'surveil-history-'));
}

/** A fresh database path in its own folder. */
export function tempDbPath(): string {
  return join(tempDir(), 'history.sqlite');
}

const KEY = `${PERP.venue}:${PERP.symbol}`;

/** An alert on the synthetic perpetual, overridable field by field. */
export function alertOf(overrides: Partial<Alert> = {}): Alert {
  return {
    id: `${KEY}/spread_bps/1000`,
    key: KEY,
    instrumentId: PERP.id,
    venue: PERP.venue,
    metric: 'spread_bps',
    state: 'firing',
    severity: 'warning',
    rule: 'spread_warning',
    openedAt: 1000,
    firedAt: 1000,
    resolvedAt: null,
    value: 12.5,
    zscore: 4.2,
    threshold: 10,
    acknowledged: null,
    ...overrides,
  };
}

/** An audit event of {@link alertOf}'s alert. */
export function eventOf(overrides: Partial<AlertEvent> = {}): AlertEvent {
  return {
    alertId: `${KEY}/spread_bps/1000`,
    kind: 'firing',
    time: 1000,
    severity: 'warning',
    rule: 'spread_warning',
    metric: 'spread_bps',
    value: 12.5,
    zscore: 4.2,
    threshold: 10,
    zThreshold: 3,
    ...overrides,
  };
}
