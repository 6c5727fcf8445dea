import { createWriteStream, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { once } from 'node:events';
import { constants as zlibConstants, createGzip, type Gzip } from 'node:zlib';
import type { FeedSink } from '../feed/feed-sink';
import type { RawFrame } from '../feed/raw-frame';
import { captureHeader, capturePartPath, isGzipName, isWritableFrame, serializeFrameLine, serializeHeaderLine } from './capture-format';

// Names the writer exported before the format had a module of its own.
export { capturePartPath, capturePartPaths, serializeFrameLine as captureLine } from './capture-format';

// The one writer every recording goes through (`surveil record`, the console):
// the format is docs/capture-format.md (capture-format.ts: header, line, part
// names), and anything that breaks a line would make the whole file
// unreadable, so frames are checked before they are written.

/** Default size (uncompressed bytes) after which a recording continues in a new part. */
export const DEFAULT_ROTATE_BYTES = 256 * 1024 * 1024;
/** Default interval of the periodic flush: at most this much is lost when the process dies. */
export const DEFAULT_FLUSH_INTERVAL_MS = 1000;
/**
 * Default ceiling on bytes held in memory waiting for the disk. Past it the
 * writer fails loudly: a recording that stops with an error is better than a
 * console killed for running out of memory.
 */
export const DEFAULT_MAX_BUFFERED_BYTES = 256 * 1024 * 1024;

// Lines are joined into batches of about this size before they reach the file
// or zlib: one write (and one zlib pass on the thread pool) per batch, not per frame.
const BATCH_BYTES = 64 * 1024;

/** Free header fields (line 1). `capture`, `created`, `part`, `previous` and `gzipMemberBytes` are set by the writer. */
export interface CaptureHeaderFields {
  /** Who made the capture; defaults to `recorded`. */
  readonly source?: string;
  readonly venue?: string | readonly string[];
  readonly instruments?: readonly string[];
  readonly note?: string;
  readonly [field: string]: unknown;
}

/**
 * gzip members of recordings (`surveil record`, the console's recorder): a
 * seek inflates from the nearest member instead of the part's start, for
 * 0.03 % in size and about 80 ms to inflate one (docs/seek.md).
 */
export const RECORDING_GZIP_MEMBER_BYTES = 16 * 1024 * 1024;

/** How to open a capture writer. */
export interface CaptureWriterOptions {
  /** File to write; ending in `.gz` means gzip. Parts after rotation are named by {@link capturePartPath}. */
  readonly path: string;
  readonly header?: CaptureHeaderFields;
  /** Start a new part once the current one holds this many uncompressed bytes. */
  readonly rotateBytes?: number;
  /**
   * gzip only: end the gzip member after this many uncompressed bytes (at a
   * line) and start a new one, so that a reader can start inflating at any
   * member (docs/seek.md; the capture index records where they start). The
   * file stays one gzip file to every reader (members concatenate). Default:
   * one member per part, as before.
   */
  readonly gzipMemberBytes?: number;
  /** Period of the flush to the OS (and gzip sync flush); 0 turns the timer off. */
  readonly flushIntervalMs?: number;
  /** See {@link DEFAULT_MAX_BUFFERED_BYTES}. */
  readonly maxBufferedBytes?: number;
  /** Replace existing files instead of refusing to (a recording is never overwritten by accident). */
  readonly overwrite?: boolean;
  /** Called once when writing fails (disk full, part cannot be created, disk too slow). */
  readonly onError?: (error: CaptureWriteError) => void;
  /** Clock for the header's `created`; defaults to Date.now. */
  readonly now?: () => number;
}

/** What the writer has done so far. */
export interface CaptureWriterStats {
  /** Frames accepted (written or on their way to the disk). */
  readonly frames: number;
  /** Uncompressed bytes, header lines included. */
  readonly bytes: number;
  /** Bytes handed to the OS across all parts (compressed for gzip). */
  readonly diskBytes: number;
  /** Every file started, in order: the first path, then its parts. */
  readonly files: readonly string[];
  /** Frames refused because they would have broken the capture (non-finite `t`, unknown `kind`, ...). */
  readonly invalid: number;
  /** Frames that arrived after close() or after a write failure. */
  readonly dropped: number;
  /** Bytes in memory not yet handed to the OS. */
  readonly bufferedBytes: number;
  /** Completed flushes (periodic or requested). */
  readonly flushes: number;
}

/** A capture that cannot be written: names the file. */
export class CaptureWriteError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'CaptureWriteError';
  }
}

/** One file of a recording: a file stream, behind a gzip stream for `.gz`. */
class CapturePart {
  readonly file: WriteStream;
  /** The gzip member being written (null for a plain part). */
  gzip: Gzip | null;
  /** Uncompressed bytes written to this part, header included. */
  bytes = 0;
  /** Bytes given to zlib since its last sync flush: an idle recording adds no empty flush blocks. */
  private unflushed = 0;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private failWaiters: (() => void)[] = [];
  private ending = false;
  error: Error | null = null;
  /** Uncompressed bytes in the current gzip member. */
  private memberBytes = 0;
  /** Resolves when the current member's output goes straight to the file (every earlier member's is out). */
  private memberLive: Promise<void> = Promise.resolve();
  /** Resolves when every member so far has ended and its output has been handed to the file. */
  private membersOut: Promise<void> = Promise.resolve();
  /** Compressed output of a member held while an earlier one still finishes (members must not interleave). */
  private heldBytes = 0;
  private readonly members = new Set<Gzip>();

  constructor(
    readonly path: string,
    gzip: boolean,
    overwrite: boolean,
    private readonly onError: (error: Error) => void,
    private readonly memberLimit = 0,
  ) {
    this.file = createWriteStream(path, { flags: overwrite ? 'w' : 'wx' });
    this.file.on('error', (error) => this.fail(error));
    this.gzip = gzip ? this.startMember() : null;
  }

  /**
   * A new gzip member. zlib finishes streams on its thread pool, so the
   * previous member may still be emitting its last blocks and trailer: this
   * one's output is held until that is all out, then goes straight to the file.
   */
  private startMember(): Gzip {
    const gzip = createGzip();
    this.members.add(gzip);
    let direct = false;
    const held: Buffer[] = [];
    gzip.on('data', (chunk: Buffer) => {
      if (direct) return this.toFile(chunk);
      held.push(chunk);
      this.heldBytes += chunk.length;
    });
    gzip.on('error', (error) => this.fail(error));
    const ended = once(gzip, 'end').then(() => void this.members.delete(gzip));
    ended.catch(() => undefined);
    const live = this.membersOut.then(() => {
      for (const chunk of held.splice(0)) {
        this.heldBytes -= chunk.length;
        this.toFile(chunk);
      }
      direct = true;
    });
    this.memberLive = live;
    // A failed member releases the chain: the failure itself is reported by fail().
    this.membersOut = live.then(() => ended).catch(() => undefined);
    this.memberBytes = 0;
    return gzip;
  }

  /** Resolves when the file is open (rejects when it cannot be created). */
  async opened(): Promise<void> {
    if (this.error) throw this.error;
    if (this.file.pending) await once(this.file, 'ready');
  }

  /** Bytes held in memory by the streams of this part. */
  get buffered(): number {
    return this.file.writableLength + (this.gzip?.writableLength ?? 0) + (this.gzip?.readableLength ?? 0) + this.heldBytes;
  }

  write(text: string, bytes: number): void {
    if (this.error || this.ending) return;
    if (this.gzip) {
      // Text arrives in whole lines: a member ends between two of them.
      if (this.memberLimit > 0 && this.memberBytes >= this.memberLimit) {
        this.gzip.end();
        this.gzip = this.startMember();
      }
      this.unflushed += bytes;
      this.memberBytes += bytes;
      this.gzip.write(text);
    } else this.toFile(text);
  }

  /**
   * Everything written so far reaches the OS; for gzip after a Z_SYNC_FLUSH,
   * which ends the deflate block on a byte boundary so that a streaming reader
   * of a file cut here still decodes every line written before it.
   */
  async sync(): Promise<void> {
    if (this.error) throw this.error;
    if (this.ending) return;
    const gzip = this.gzip;
    if (gzip && this.unflushed > 0) {
      this.unflushed = 0;
      await new Promise<void>((resolve) => {
        // A stream that fails mid-flush may never call back: the failure releases the wait too.
        this.failWaiters.push(resolve);
        gzip.flush(zlibConstants.Z_SYNC_FLUSH, () => resolve());
      });
      this.failWaiters = [];
      // Output pushed while the readable side was busy is emitted on a later tick.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    // Members before this one first: their output reaches the file before this one's.
    await this.memberLive;
    await this.idle();
    if (this.error) throw this.error;
  }

  /** Ends the gzip stream, writes what is left, closes the file and syncs it to the disk. */
  async end(): Promise<void> {
    if (this.ending) return;
    this.ending = true;
    if (this.error) {
      this.destroy();
      throw this.error;
    }
    try {
      if (this.gzip) {
        const ended = once(this.gzip, 'end');
        this.gzip.end();
        await ended;
        await this.membersOut;
      }
      // A file stream that failed is already closed: waiting for 'close' again would hang.
      if (!this.file.closed) {
        const closed = once(this.file, 'close');
        this.file.end();
        await closed;
      }
    } catch (error) {
      this.destroy();
      throw error;
    }
    if (this.error) throw this.error;
    // The stream closes its descriptor without fsync; a second descriptor syncs the same file.
    const handle = await open(this.path, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  destroy(): void {
    for (const gzip of this.members) gzip.destroy();
    this.gzip?.destroy();
    this.file.destroy();
  }

  private toFile(chunk: string | Buffer): void {
    this.inFlight++;
    this.file.write(chunk, () => {
      this.inFlight--;
      if (this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    });
  }

  private idle(): Promise<void> {
    if (this.inFlight === 0 || this.error) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private fail(error: Error): void {
    if (this.error) return;
    this.error = error;
    for (const wake of [...this.idleWaiters.splice(0), ...this.failWaiters.splice(0)]) wake();
    this.onError(error);
  }
}

/**
 * Writes a capture (docs/capture-format.md) from frames as they arrive. A
 * {@link FeedSink}: `onFrame` can be handed to a feed directly. Frames are
 * serialized at once and buffered; they reach the OS in batches, every
 * `flushIntervalMs` and at close, so the hot path never waits on the disk.
 * Long recordings rotate into numbered parts, each a capture of its own.
 * Open one with {@link openCaptureWriter}.
 */
export class CaptureWriter implements FeedSink {
  private part: CapturePart;
  private partNo = 0;
  private readonly gzip: boolean;
  private readonly rotateBytes: number;
  private readonly maxBufferedBytes: number;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout | null;
  private pending: string[] = [];
  private pendingBytes = 0;
  private readonly closing: Promise<void>[] = [];
  private closed: Promise<void> | null = null;
  private flushChain: Promise<void> = Promise.resolve();
  private failure: CaptureWriteError | null = null;
  private closedDiskBytes = 0;
  /** Parts not yet closed (the current one, and any still ending after a rotation). */
  private readonly liveParts = new Set<CapturePart>();
  private counts = { frames: 0, bytes: 0, invalid: 0, dropped: 0, flushes: 0 };
  private readonly fileList: string[] = [];

  /** Use {@link openCaptureWriter}, which also waits until the first file exists. */
  constructor(private readonly options: CaptureWriterOptions) {
    this.gzip = isGzipName(options.path);
    this.rotateBytes = options.rotateBytes ?? DEFAULT_ROTATE_BYTES;
    this.maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this.now = options.now ?? Date.now;
    if (!(this.rotateBytes > 0)) throw new RangeError('rotateBytes must be positive');
    this.part = this.startPart(options.path, null);
    const interval = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    this.timer = interval > 0 ? setInterval(() => void this.flush().catch(() => undefined), interval) : null;
    // A recorder must not keep the process alive on its own; close() is what ends a recording.
    this.timer?.unref();
  }

  /** Path of the file being written now. */
  get currentFile(): string {
    return this.part.path;
  }

  /** The failure that stopped the writer, if any. */
  get error(): CaptureWriteError | null {
    return this.failure;
  }

  /** Resolves when the first file exists; rejects with a CaptureWriteError when it cannot be created. */
  async opened(): Promise<void> {
    try {
      await this.part.opened();
    } catch (error) {
      throw this.failure ?? this.fail(this.part.path, error as Error);
    }
  }

  /** Records one frame. Never throws and never waits: problems are counted and reported via onError. */
  readonly onFrame = (frame: RawFrame): void => {
    if (this.closed !== null || this.failure !== null) {
      this.counts.dropped++;
      return;
    }
    if (!isWritableFrame(frame)) {
      this.counts.invalid++;
      return;
    }
    const line = `${serializeFrameLine(frame)}\n`;
    const bytes = Buffer.byteLength(line);
    this.pending.push(line);
    this.pendingBytes += bytes;
    this.part.bytes += bytes;
    this.counts.frames++;
    this.counts.bytes += bytes;
    if (this.part.bytes >= this.rotateBytes) this.rotate();
    else if (this.pendingBytes >= BATCH_BYTES) {
      this.writeOut();
      if (this.part.buffered > this.maxBufferedBytes) {
        this.fail(this.part.path, new Error(`the disk does not keep up: ${this.part.buffered} bytes waiting`));
      }
    }
  };

  /** Same as onFrame, for callers that are not feeds. */
  write(frame: RawFrame): void {
    this.onFrame(frame);
  }

  /** Hands everything buffered to the OS (gzip: sync flush); resolves when it is written. */
  flush(): Promise<void> {
    const run = this.flushChain.then(async () => {
      if (this.failure) throw this.failure;
      this.writeOut();
      const part = this.part;
      try {
        await part.sync();
      } catch (error) {
        throw this.failure ?? this.fail(part.path, error as Error);
      }
      this.counts.flushes++;
    });
    this.flushChain = run.catch(() => undefined);
    return run;
  }

  /**
   * Stops accepting frames, writes what is buffered, ends every part and
   * syncs it to the disk. Resolves when all of it is on disk; rejects with
   * the failure if writing failed at any point. Calling it again returns the same promise.
   */
  close(): Promise<void> {
    if (this.closed) return this.closed;
    if (this.timer) clearInterval(this.timer);
    this.writeOut();
    this.endPart(this.part);
    this.closed = Promise.allSettled(this.closing).then(() => {
      if (this.failure) throw this.failure;
    });
    return this.closed;
  }

  /** Counters: frames, bytes, files, refused and dropped frames, memory held. */
  stats(): CaptureWriterStats {
    return {
      ...this.counts,
      diskBytes: [...this.liveParts].reduce((sum, part) => sum + part.file.bytesWritten, this.closedDiskBytes),
      files: [...this.fileList],
      bufferedBytes: this.pendingBytes + this.part.buffered,
    };
  }

  private startPart(path: string, previous: string | null): CapturePart {
    const part = new CapturePart(path, this.gzip, this.options.overwrite === true, (error) => this.fail(path, error), this.options.gzipMemberBytes ?? 0);
    this.fileList.push(path);
    this.liveParts.add(part);
    const header = captureHeader(this.options.header ?? {}, {
      created: this.now(),
      ...(previous !== null ? { part: { n: this.partNo, previous: basename(previous) } } : {}),
      // Tells the capture index that members are at most this long, so it may look for them (docs/seek.md).
      ...(this.gzip && this.options.gzipMemberBytes !== undefined ? { gzipMemberBytes: this.options.gzipMemberBytes } : {}),
    });
    const line = `${serializeHeaderLine(header)}\n`;
    const bytes = Buffer.byteLength(line);
    this.pending.push(line);
    this.pendingBytes += bytes;
    part.bytes += bytes;
    this.counts.bytes += bytes;
    return part;
  }

  private rotate(): void {
    this.writeOut();
    const previous = this.part;
    this.endPart(previous);
    this.partNo++;
    this.part = this.startPart(capturePartPath(this.options.path, this.partNo), previous.path);
  }

  private endPart(part: CapturePart): void {
    const settle = (): void => {
      this.liveParts.delete(part);
      this.closedDiskBytes += part.file.bytesWritten;
    };
    this.closing.push(
      part.end().then(settle, (error: Error) => {
        settle();
        this.fail(part.path, error);
      }),
    );
  }

  private writeOut(): void {
    if (this.pending.length === 0) return;
    const text = this.pending.length === 1 ? this.pending[0]! : this.pending.join('');
    const bytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    this.part.write(text, bytes);
  }

  private fail(file: string, error: Error): CaptureWriteError {
    if (this.failure) return this.failure;
    const code = (error as NodeJS.ErrnoException).code;
    this.failure = error instanceof CaptureWriteError ? error : new CaptureWriteError(file, code ? `cannot write: ${code} (${error.message})` : error.message);
    this.pending = [];
    this.pendingBytes = 0;
    this.options.onError?.(this.failure);
    return this.failure;
  }
}

/**
 * Opens a capture writer and waits until its first file is created, so that
 * a bad path or an existing recording is reported before any frame arrives.
 */
export async function openCaptureWriter(options: CaptureWriterOptions): Promise<CaptureWriter> {
  const writer = new CaptureWriter(options);
  try {
    await writer.opened();
  } catch (error) {
    await writer.close().catch(() => undefined);
    throw error;
  }
  return writer;
}
