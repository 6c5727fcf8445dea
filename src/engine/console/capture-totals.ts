import { existsSync, readFileSync, statSync } from 'node:fs';
import type { LimitsSettings } from '../../shared/config';
import { captureIndexPath, openCaptureIndex, staleReason, type CaptureIndex } from '../capture/capture-index';
import { capturePartPaths, isGzipFile } from '../capture/capture-format';

/**
 * A capture this small (text bytes) has its index built when the console
 * opens it: one pass through the mappers before the replay starts, about
 * 60 ms per MB of text (a simulated 2-minute capture, 4.4 MB and 7,600
 * frames, in 0.26 s; test/console/replay-progress.test.ts), so at most about
 * a second. A larger one without a current index replays with progress by
 * bytes rather than wait for the pass.
 */
export const BUILD_INDEX_ON_OPEN_BYTES = 16 << 20;
/** A gzip capture counts as this many times its size in text (the simulator's captures compress about 8.8 to 1). */
const GZIP_TEXT_RATIO = 8;

/** What a replay's progress bar needs from the capture's index: frames of the recording (every part) and the time they span. */
export interface CaptureTotals {
  readonly frames: number;
  readonly firstT: number | null;
  readonly lastT: number | null;
  /** `loaded`: a current `<capture>.idx` was there; `built`: it was built (and saved when the folder allows) on open. */
  readonly from: 'loaded' | 'built';
}

/**
 * The totals of the recording a console replay reads (the path and its
 * rotation parts), from its current index, or from an index built now when
 * its files are at most `buildBytes` of text; null when neither (progress by bytes).
 * Never throws: a capture the index cannot read is for the replay to refuse.
 */
export async function captureTotals(capture: string, options: { readonly buildBytes?: number; readonly limits?: Partial<LimitsSettings> } = {}): Promise<CaptureTotals | null> {
  try {
    const saved = loadCurrent(capture);
    const current = saved ? await saved : null;
    if (current) return totalsOf(current, 'loaded');
    const text = capturePartPaths(capture).reduce((sum, file) => sum + statSync(file).size * (isGzipFile(file) ? GZIP_TEXT_RATIO : 1), 0);
    if (text > (options.buildBytes ?? BUILD_INDEX_ON_OPEN_BYTES)) return null;
    const opened = await openCaptureIndex(capture, { rebuild: true, ...(options.limits ? { limits: options.limits } : {}) });
    return totalsOf(opened.index, 'built');
  } catch {
    return null;
  }
}

/** The saved index when it is current, else null (a stale one is not rebuilt here: that is the size check's call). */
function loadCurrent(capture: string): Promise<CaptureIndex | null> | null {
  const path = captureIndexPath(capture);
  if (!existsSync(path)) return null;
  return (async () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      return null;
    }
    return (await staleReason(capture, parsed)) === null ? (parsed as CaptureIndex) : null;
  })();
}

function totalsOf(index: CaptureIndex, from: CaptureTotals['from']): CaptureTotals {
  // The index covers every part, as the replay reads them.
  return { frames: index.frames, firstT: index.firstT, lastT: index.lastT, from };
}
