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
  readonly retentionDays: number;
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
  readonly web: { readonly host: string; readonly port: number };
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

const syncSchema = z
  .object({
    enabled: z.boolean(),
    desk_id: nonEmptyString.optional(),
    batch_size: positiveInt,
    interval_seconds: positiveNumber,
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.enabled && s.desk_id === undefined) {
      ctx.addIssue({ code: 'custom', path: ['desk_id'], message: 'required when sync is enabled' });
    }
  });

/** Schema of features.yaml. */
export const featuresSchema = z
  .object({
    zscore: zscoreSchema,
    sampling: z.object({ interval_ms: positiveInt }).strict(),
    depth_bands_bps: depthBandsSchema,
    stale_timeout_seconds: positiveNumber,
    reference_stale_seconds: positiveNumber.optional(),
    storage: z
      .object({ enabled: z.boolean(), path: nonEmptyString.optional(), retention_days: positiveNumber })
      .strict(),
    sync: syncSchema,
    web: z.object({ host: nonEmptyString, port: z.number().int().min(1).max(65535) }).strict(),
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
      storage: { enabled: f.storage.enabled, path: f.storage.path ?? null, retentionDays: f.storage.retention_days },
      sync: {
        enabled: f.sync.enabled,
        deskId: f.sync.desk_id ?? null,
        batchSize: f.sync.batch_size,
        intervalSeconds: f.sync.interval_seconds,
      },
      web: { host: f.web.host, port: f.web.port },
      notifications: {
        critical: f.notifications.critical,
        warning: f.notifications.warning,
        minIntervalSeconds: f.notifications.min_interval_seconds,
      },
    }),
  );
