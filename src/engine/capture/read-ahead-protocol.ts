import type { RawFrame } from '../feed/raw-frame';
import type { LimitsSettings } from '../../shared/config';
import type { VenueId } from '../../shared/core/model';
import { MapResultDecoder, MapResultEncoder, StringTable } from '../venues/map-result-codec';
import type { MapResult, VenueMapper } from '../venues/venue';
import type { CaptureRecording, CaptureTruncation, RecordingBatch } from './capture-reader';

/** What the replay's thread asks of the read-ahead thread (capture-read-worker.ts): one recording read. */
export interface ReadRequest {
  readonly recording: CaptureRecording;
  /** The replay takes a cut tail as a truncation (reported) rather than an error. */
  readonly truncationAllowed: boolean;
  /** How many batches may be posted and not yet taken. */
  readonly ahead: number;
  /**
   * Two Int32s: [0] the batches the replay has taken (it adds and notifies;
   * this thread waits on it), [1] set to 1 when the replay stops early.
   */
  readonly control: SharedArrayBuffer;
  /**
   * Map each frame too, with the mappers the pipeline makes from these limits
   * (a mapper is a pure function of the frame), so the replay's thread only
   * applies what they say.
   */
  readonly map?: {
    readonly limits?: Partial<LimitsSettings>;
    /**
     * Map every frame. Otherwise a batch is mapped only while the replay is
     * the slower side (half the batches allowed ahead wait for it): mapping
     * here and rebuilding there costs more in all than mapping there.
     */
    readonly always?: boolean;
  };
}

/** A batch with, for the frames mapped ahead, what their mapper made of them (undefined: the replay maps that frame itself). */
export interface MappedBatch extends RecordingBatch {
  readonly mapped?: readonly (MapResult | undefined)[];
}

export const TAKEN = 0;
export const STOP = 1;

/**
 * A recording batch as the read-ahead thread posts it (capture-read-ahead.ts):
 * columns instead of one object per frame, so the structured clone copies
 * typed arrays and strings and builds no objects the receiver rebuilds anyway.
 * Venues and URLs repeat on nearly every line: each batch sends them once.
 */
export interface PackedBatch {
  readonly type: 'batch';
  readonly t: Float64Array;
  readonly lines: Int32Array;
  /** 0 ws, 1 rest. */
  readonly kinds: Uint8Array;
  /** Index into `strings` of each frame's venue and URL (32 bits: the map results' strings share the table, a JSON-path book's level strings among them). */
  readonly venues: Uint32Array;
  readonly urls: Uint32Array;
  readonly strings: string[];
  readonly data: string[];
  /** The few frames with a `conn` or a `status`: [frame index, conn, status]. */
  readonly extras: [number, string | undefined, number | undefined][];
  /** Frames mapped ahead: 1 where `results` holds the frame's map result (map-result-codec.ts), 0 where it does not. */
  readonly mapped?: Uint8Array;
  readonly results?: Float64Array;
  readonly bytesRead: number;
  readonly part: number;
  readonly file: string;
  readonly recordingBytesRead: number;
}

/** What the read-ahead thread posts for one read, in order: batches, a truncation, then the end, an error, or (told to stop) `stopped`. */
export type ReadAheadMessage =
  | PackedBatch
  | { readonly type: 'truncated'; readonly cut: CaptureTruncation }
  | { readonly type: 'end' }
  | { readonly type: 'stopped' }
  | { readonly type: 'error'; readonly name: string; readonly message: string; readonly file?: string; readonly line?: number | null; readonly stack?: string };

/** `mapperFor`: when given, each frame is mapped too (undefined for a venue it does not know: left to the replay). */
export function packBatch(batch: RecordingBatch, mapperFor?: (venue: VenueId) => VenueMapper | undefined): PackedBatch {
  const n = batch.frames.length;
  const t = new Float64Array(n);
  const lines = new Int32Array(batch.lines);
  const kinds = new Uint8Array(n);
  const venues = new Uint32Array(n);
  const urls = new Uint32Array(n);
  const table = new StringTable();
  const data: string[] = new Array<string>(n);
  const extras: PackedBatch['extras'] = [];
  const mapped = mapperFor ? new Uint8Array(n) : undefined;
  const encoder = mapperFor ? new MapResultEncoder(table) : undefined;
  for (let i = 0; i < n; i++) {
    const frame = batch.frames[i]!;
    t[i] = frame.t;
    kinds[i] = frame.kind === 'ws' ? 0 : 1;
    venues[i] = table.indexOf(frame.venue);
    urls[i] = table.indexOf(frame.url);
    data[i] = frame.data;
    if (frame.conn !== undefined || frame.status !== undefined) extras.push([i, frame.conn, frame.status]);
    if (mapperFor) {
      const mapper = mapperFor(frame.venue);
      let result: MapResult | undefined;
      try {
        result = mapper?.map(frame);
      } catch {
        // A mapper that throws (not a refusal: a defect) throws again on the replay's thread, where it is reported.
        result = undefined;
      }
      if (result !== undefined && encoder!.encode(result)) mapped![i] = 1;
    }
  }
  const packed: PackedBatch = { type: 'batch', t, lines, kinds, venues, urls, strings: table.strings, data, extras, bytesRead: batch.bytesRead, part: batch.part, file: batch.file, recordingBytesRead: batch.recordingBytesRead };
  return encoder ? { ...packed, mapped: mapped!, results: encoder.finish() } : packed;
}

/** The batch the reader produced, frame for frame (same fields, same order of keys), with what was mapped ahead. */
export function unpackBatch(packed: PackedBatch): MappedBatch {
  const n = packed.t.length;
  const frames = new Array<RawFrame>(n);
  const { t, kinds, venues, urls, strings, data } = packed;
  for (let i = 0; i < n; i++) {
    frames[i] = { t: t[i]!, venue: strings[venues[i]!] as VenueId, kind: kinds[i] === 0 ? 'ws' : 'rest', url: strings[urls[i]!]!, data: data[i]! };
  }
  for (const [i, conn, status] of packed.extras) {
    const frame = frames[i] as { -readonly [K in keyof RawFrame]: RawFrame[K] };
    if (conn !== undefined) frame.conn = conn;
    if (status !== undefined) frame.status = status;
  }
  const batch: RecordingBatch = { frames, lines: Array.from(packed.lines), bytesRead: packed.bytesRead, part: packed.part, file: packed.file, recordingBytesRead: packed.recordingBytesRead };
  if (packed.mapped === undefined || packed.results === undefined) return batch;
  const decoder = new MapResultDecoder(packed.results, strings);
  const results = new Array<MapResult | undefined>(n);
  for (let i = 0; i < n; i++) results[i] = packed.mapped[i] === 1 ? decoder.next() : undefined;
  return { ...batch, mapped: results };
}
