import { z } from 'zod';
import type { MetricName } from '../core/model';
import type { StdFloor, ZScoreSettings } from '../core/rule-types';
import { isMetricName } from './metric-names';
import { nonEmptyString, positiveInt, positiveNumber, seconds } from './schema-parts';

/** Local storage of samples and alerts. */
export interface StorageSettings {
  readonly enabled: boolean;
  /** null: the platform's user data folder, chosen by the engine. */
  readonly path: string | null;
  /** Alerts, feed events and per-minute rollups are kept this long. */
  readonly retentionDays: number;
  /**
   * Raw samples (one per instrument per sampling interval) are kept this
   * long; older history is read from the per-minute rollups (docs/history.md).
   */
  readonly rawRetentionHours: number;
  /**
   * Per-minute rollups are kept this long (at most retentionDays); hourly
   * rollups, folded from them, for retentionDays (docs/history.md).
   */
  readonly minuteRollupRetentionDays: number;
}

/**
 * Upload to the shared desk database. The database URL (with credentials)
 * only ever comes from the SURVEIL_PG_URL environment variable.
 */
export interface SyncSettings {
  readonly enabled: boolean;
  /** Identifies this desk's rows; required when enabled. */
  readonly deskId: string | null;
  readonly batchSize: number;
  readonly intervalSeconds: number;
  /**
   * Also upload raw samples (one row per instrument per second). Off by
   * default: at whole-market scale that is ~50 GB a day; rollups are always sent.
   */
  readonly sendSamples: boolean;
}

/**
 * Bounds on what a venue (or anything pretending to be one) can make the
 * engine hold in memory. Past a bound the message is refused and counted.
 */
export interface LimitsSettings {
  /** A REST response body longer than this is aborted mid-read (a snapshot or metadata request fails). */
  readonly restBodyBytes: number;
  /** WebSocket messages longer than this close the connection (ws `maxPayload`); a replayed frame this long is `too_large`. */
  readonly wsMaxPayloadBytes: number;
  /** Price levels one side of a book may hold; a message that takes a side past it drops the book, which resyncs. */
  readonly bookLevelsPerSide: number;
}

/**
 * Sized for the real venues with room to spare: a Binance spot depth
 * snapshot at its maximum limit=5000 is ~300 KB and the full spot
 * exchangeInfo a few MB; the largest WebSocket messages are all-market
 * arrays (`!ticker@arr`, under 1 MB); books built from diffs grow past their
 * 5,000-level snapshot as far levels change, but stay in the low thousands.
 */
export const DEFAULT_LIMITS: LimitsSettings = {
  restBodyBytes: 32 * 1024 * 1024,
  wsMaxPayloadBytes: 4 * 1024 * 1024,
  bookLevelsPerSide: 50_000,
};

/**
 * Deep verification of a book against the venue's REST snapshot at the same
 * seqId (OKX `books`; src/engine/pipeline/deep-verify.ts, docs/book-truth.md).
 * features.yaml `deep_verify`, in seconds there.
 */
export interface DeepVerifySettings {
  /** After a drift's resync (or a deep mismatch's rebuild), verify this long after the book is valid again, ms. */
  readonly delayMs: number;
  /** Verifications per probation before it ends unresolved. */
  readonly tries: number;
  /** An asked snapshot not answered (or an answer the live book did not reach) within this, ms: unverified. */
  readonly answerTimeoutMs: number;
  /** Deltas are recorded from this long before the verification is due, ms: an answer slightly older than the live book still compares. */
  readonly leadMs: number;
  /** Periodic audit of every verifiable book, ms between two audits of a book; 0 (default): off. */
  readonly auditIntervalMs: number;
  /** Most deltas recorded while a verification is due; past it the oldest go. */
  readonly maxRecorded: number;
}

/** Probation after every drift, no periodic audit (one REST request per book per interval, docs/book-truth.md). */
export const DEFAULT_DEEP_VERIFY: DeepVerifySettings = {
  delayMs: 3_000,
  tries: 5,
  answerTimeoutMs: 10_000,
  leadMs: 500,
  auditIntervalMs: 0,
  maxRecorded: 5_000,
};

/** The shortest audit interval accepted: shorter, the audits crowd out the resyncs in the REST budget (docs/book-truth.md). */
export const MIN_DEEP_AUDIT_SECONDS = 60;

/** The web console's bind, and how it is reached from other machines (docs/runbook.md). */
export interface WebSettings {
  readonly host: string;
  readonly port: number;
  /** HTTPS with this certificate and key, by path (PEM files; never the key inline). */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** The https:// origin of a TLS-terminating reverse proxy in front of a loopback bind. */
  readonly publicOrigin?: string;
}

/** features.yaml after validation. */
export interface FeaturesConfig {
  readonly zscore: ZScoreSettings;
  readonly sampling: { readonly intervalMs: number };
  /** Ascending bands for depth_bid_<n>bps / depth_ask_<n>bps. */
  readonly depthBandsBps: readonly number[];
  /** An instrument with no frame for this long is stale and its rules skip. */
  readonly staleTimeoutSeconds: number;
  /** No mark or index update for this long: mark/index, index basis and funding rules skip (reference_stale). */
  readonly referenceStaleSeconds: number;
  readonly storage: StorageSettings;
  readonly sync: SyncSettings;
  readonly limits: LimitsSettings;
  /** features.yaml `deep_verify`; the defaults when absent. */
  readonly deepVerify: DeepVerifySettings;
  readonly web: WebSettings;
  readonly notifications: {
    readonly critical: boolean;
    readonly warning: boolean;
    /** Minimum gap between two notifications for the same alert. */
    readonly minIntervalSeconds: number;
  };
}

/** The variable the Postgres URL is read from; named in error messages. */
export const PG_URL_ENV = 'SURVEIL_PG_URL';

const stdFloorSchema = z
  .object({ abs: z.number().nonnegative().optional(), ticks: z.number().nonnegative().optional(), relative: z.number().nonnegative().max(1).optional() })
  .strict()
  .refine((f) => f.abs !== undefined || f.ticks !== undefined || f.relative !== undefined, 'give at least one of abs, ticks, relative');

const zscoreSchema = z
  .object({
    enabled: z.boolean(),
    window_size: z.number().int().min(2),
    min_samples: z.number().int().min(2),
    reset_on_gap: z.boolean(),
    reference_max_age_seconds: positiveNumber.optional(),
    std_floor: z
      .record(z.string().refine(isMetricName, 'expected a metric name such as spread_bps, depth_10bps, basis_perp_spot_bps'), stdFloorSchema)
      .optional(),
  })
  .strict()
  .superRefine((z_, ctx) => {
    if (z_.min_samples > z_.window_size) {
      ctx.addIssue({
        code: 'custom',
        path: ['min_samples'],
        message: `must not exceed window_size (${z_.window_size}), got ${z_.min_samples}`,
      });
    }
  });

const depthBandsSchema = z
  .array(positiveNumber)
  .min(1)
  .superRefine((bands, ctx) => {
    bands.forEach((band, i) => {
      const prev = bands[i - 1];
      if (prev !== undefined && band <= prev) {
        ctx.addIssue({ code: 'custom', path: [i], message: `bands must be ascending without repeats, got ${band} after ${prev}` });
      }
    });
  });

/**
 * Raw samples kept when features.yaml does not say: one hour of 2,500
 * instruments at 1 s is ~2 GB, which with a day of rollups stays under the
 * 5 GB a day of issue 11 (docs/history.md has the measured figures).
 */
export const DEFAULT_RAW_RETENTION_HOURS = 1;

const syncSchema = z
  .object({
    enabled: z.boolean(),
    desk_id: nonEmptyString.optional(),
    batch_size: positiveInt,
    interval_seconds: positiveNumber,
    send_samples: z.boolean().optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.enabled && s.desk_id === undefined) {
      ctx.addIssue({ code: 'custom', path: ['desk_id'], message: 'required when sync is enabled' });
    }
  });

/** A certificate or key file: a path, never the PEM text itself in the config. */
const pemPath = nonEmptyString.refine((v) => !v.includes('-----BEGIN') && !v.includes('\n'), 'a path to the PEM file, never its contents: keys do not go in config files');

/** Schema of features.yaml. */
export const featuresSchema = z
  .object({
    zscore: zscoreSchema,
    sampling: z.object({ interval_ms: positiveInt }).strict(),
    depth_bands_bps: depthBandsSchema,
    stale_timeout_seconds: positiveNumber,
    reference_stale_seconds: positiveNumber.optional(),
    storage: z
      .object({
        enabled: z.boolean(),
        path: nonEmptyString.optional(),
        retention_days: positiveNumber,
        raw_retention_hours: positiveNumber.optional(),
        minute_rollup_retention_days: positiveNumber.optional(),
      })
      .strict()
      .superRefine((s, ctx) => {
        const minuteDays = s.minute_rollup_retention_days ?? s.retention_days;
        // Hourly rollups are folded from the minutes and kept for retention_days: minutes kept longer would be kept for nothing.
        if (minuteDays > s.retention_days) {
          ctx.addIssue({ code: 'custom', path: ['minute_rollup_retention_days'], message: `must not exceed retention_days (${s.retention_days})` });
        }
        // A raw window longer than the minutes' would leave raw rows whose minutes are gone.
        if (s.raw_retention_hours !== undefined && s.minute_rollup_retention_days !== undefined && s.raw_retention_hours > minuteDays * 24) {
          ctx.addIssue({ code: 'custom', path: ['raw_retention_hours'], message: `must not exceed minute_rollup_retention_days x 24 (${minuteDays * 24})` });
        }
        // Rollups are the only history past the raw window: a raw window longer than retention would keep raw nobody asked for.
        if (s.raw_retention_hours !== undefined && s.raw_retention_hours > s.retention_days * 24) {
          ctx.addIssue({ code: 'custom', path: ['raw_retention_hours'], message: `must not exceed retention_days x 24 (${s.retention_days * 24})` });
        }
      }),
    sync: syncSchema,
    limits: z
      .object({
        rest_body_bytes: z.number().int().min(64 * 1024, 'must be at least 65536 (64 KiB): a depth snapshot alone is ~300 KB').optional(),
        ws_max_payload_bytes: z.number().int().min(64 * 1024, 'must be at least 65536 (64 KiB): venues send book frames of tens of KB').optional(),
        book_levels_per_side: z.number().int().min(1000, 'must be at least 1000: a Binance snapshot alone has up to 5000 levels a side').optional(),
      })
      .strict()
      .optional(),
    deep_verify: z
      .object({
        delay_seconds: seconds.optional(),
        tries: positiveInt.optional(),
        answer_timeout_seconds: positiveNumber.optional(),
        lead_seconds: seconds.optional(),
        max_recorded_deltas: positiveInt.optional(),
        audit_interval_seconds: z
          .number()
          .refine((v) => v === 0 || v >= MIN_DEEP_AUDIT_SECONDS, `must be 0 (off) or at least ${MIN_DEEP_AUDIT_SECONDS}: each audit is one REST request per book, taken from the resyncs' budget`)
          .optional(),
      })
      .strict()
      .optional(),
    web: z
      .object({
        host: nonEmptyString,
        port: z.number().int().min(1).max(65535),
        tls: z.object({ cert_file: pemPath, key_file: pemPath }).strict().optional(),
        public_origin: z
          .string()
          .regex(/^https:\/\/[^/?#\s]+\/?$/, 'must be the https:// origin the reverse proxy serves the console at, e.g. https://console.example.com')
          .optional(),
      })
      .strict(),
    notifications: z
      .object({ critical: z.boolean(), warning: z.boolean(), min_interval_seconds: seconds })
      .strict(),
  })
  .strict()
  .transform(
    (f): FeaturesConfig => ({
      zscore: {
        enabled: f.zscore.enabled,
        windowSize: f.zscore.window_size,
        minSamples: f.zscore.min_samples,
        resetOnGap: f.zscore.reset_on_gap,
        referenceMaxAgeMs: (f.zscore.reference_max_age_seconds ?? 600) * 1000,
        stdFloors: (f.zscore.std_floor ?? {}) as Readonly<Partial<Record<MetricName, StdFloor>>>,
      },
      referenceStaleSeconds: f.reference_stale_seconds ?? 30,
      sampling: { intervalMs: f.sampling.interval_ms },
      depthBandsBps: f.depth_bands_bps,
      staleTimeoutSeconds: f.stale_timeout_seconds,
      storage: {
        enabled: f.storage.enabled,
        path: f.storage.path ?? null,
        retentionDays: f.storage.retention_days,
        rawRetentionHours: f.storage.raw_retention_hours ?? DEFAULT_RAW_RETENTION_HOURS,
        minuteRollupRetentionDays: f.storage.minute_rollup_retention_days ?? f.storage.retention_days,
      },
      sync: {
        enabled: f.sync.enabled,
        deskId: f.sync.desk_id ?? null,
        batchSize: f.sync.batch_size,
        intervalSeconds: f.sync.interval_seconds,
        sendSamples: f.sync.send_samples ?? false,
      },
      limits: {
        restBodyBytes: f.limits?.rest_body_bytes ?? DEFAULT_LIMITS.restBodyBytes,
        wsMaxPayloadBytes: f.limits?.ws_max_payload_bytes ?? DEFAULT_LIMITS.wsMaxPayloadBytes,
        bookLevelsPerSide: f.limits?.book_levels_per_side ?? DEFAULT_LIMITS.bookLevelsPerSide,
      },
      deepVerify: deepVerifyFrom(f.deep_verify),
      web: {
        host: f.web.host,
        port: f.web.port,
        ...(f.web.tls ? { tls: { certFile: f.web.tls.cert_file, keyFile: f.web.tls.key_file } } : {}),
        ...(f.web.public_origin ? { publicOrigin: f.web.public_origin.replace(/\/$/, '') } : {}),
      },
      notifications: {
        critical: f.notifications.critical,
        warning: f.notifications.warning,
        minIntervalSeconds: f.notifications.min_interval_seconds,
      },
    }),
  );

/** features.yaml `deep_verify` (seconds) as the engine takes it (ms); what is left out keeps its default. */
function deepVerifyFrom(d: Partial<Record<'delay_seconds' | 'tries' | 'answer_timeout_seconds' | 'lead_seconds' | 'max_recorded_deltas' | 'audit_interval_seconds', number>> = {}): DeepVerifySettings {
  const ms = (value: number | undefined, fallback: number) => (value === undefined ? fallback : Math.round(value * 1000));
  return {
    delayMs: ms(d.delay_seconds, DEFAULT_DEEP_VERIFY.delayMs),
    tries: d.tries ?? DEFAULT_DEEP_VERIFY.tries,
    answerTimeoutMs: ms(d.answer_timeout_seconds, DEFAULT_DEEP_VERIFY.answerTimeoutMs),
    leadMs: ms(d.lead_seconds, DEFAULT_DEEP_VERIFY.leadMs),
    auditIntervalMs: ms(d.audit_interval_seconds, DEFAULT_DEEP_VERIFY.auditIntervalMs),
    maxRecorded: d.max_recorded_deltas ?? DEFAULT_DEEP_VERIFY.maxRecorded,
  };
}
