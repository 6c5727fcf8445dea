/**
 * Replay throughput on the real recordings in ../shared/data/real: frames
 * per second through decode -> book sync -> metrics -> z-scores -> rules, on
 * one thread, beside plain JSON.parse of the same frame texts measured in the
 * same run. Each pass replays every recording into a fresh pipeline, so
 * sequence numbers stay valid however many passes run.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readCaptureFrames } from '../src/engine/capture/capture-reader';
import { loadConfig } from '../src/engine/config/load-config';
import { pipelineSettingsFrom } from '../src/engine/pipeline/pipeline-settings';
import { SurveillancePipeline } from '../src/engine/pipeline/surveillance-pipeline';
import type { RawFrame } from '../src/engine/feed/raw-frame';
import { REAL, realRecording, repoRoot, sharedDir } from '../test/support/shared-data';
import type { BenchModule, BenchResult } from './index';

/** Instrument metadata (exchangeInfo, public/instruments): 2.6 of the 3.6 MB, read once per live session. */
function isMetadataFrame(frame: RawFrame): boolean {
  return /exchangeInfo|public\/instruments/.test(frame.url);
}

export const replayBench: BenchModule = {
  name: 'replay',
  async run(harness): Promise<BenchResult[]> {
    if (!existsSync(join(sharedDir, 'data/real'))) {
      process.stderr.write(`replay bench skipped: no recordings in ${sharedDir}/data/real\n`);
      return [];
    }
    const recordings: RawFrame[][] = [];
    for (const name of Object.values(REAL)) recordings.push(await readCaptureFrames(realRecording(name)));
    const frames = recordings.reduce((n, r) => n + r.length, 0);
    const bytes = recordings.reduce((n, r) => n + r.reduce((m, f) => m + f.data.length, 0), 0);
    const settings = pipelineSettingsFrom(loadConfig(join(repoRoot, 'config')));
    // Without the exchangeInfo / instruments bodies (2.6 MB of 3.6 MB), which a live session reads once.
    const market = recordings.map((r) => r.filter((f) => !isMetadataFrame(f)));
    const marketFrames = market.reduce((n, r) => n + r.length, 0);

    const metadata = recordings.map((r) => r.filter(isMetadataFrame));

    const parseAll = (set: RawFrame[][]) => () => {
      let n = 0;
      for (const recording of set) for (const frame of recording) n += JSON.parse(frame.data) === undefined ? 0 : 1;
      return n;
    };
    const replaySet = (set: RawFrame[][], pipelines: () => SurveillancePipeline[]) => () => {
      const fresh = pipelines();
      let n = 0;
      for (let r = 0; r < set.length; r++) {
        const pipeline = fresh[r]!;
        for (const frame of set[r]!) {
          pipeline.advance(frame.t);
          pipeline.ingest(frame);
          n++;
        }
      }
      return n;
    };
    // Market-frame runs get pipelines that already hold the metadata, built outside the timed batch.
    let prepared: SurveillancePipeline[] = [];
    const prepare = () => {
      prepared = metadata.map((frames) => {
        const pipeline = new SurveillancePipeline(settings);
        for (const f of frames) pipeline.ingest(f);
        return pipeline;
      });
    };
    prepare();
    const note = `${frames} frames, ${(bytes / 1e6).toFixed(1)} MB per pass`;
    const marketNote = `${marketFrames} frames per pass: exchangeInfo / instruments bodies left out`;
    return [
      harness.measure('JSON.parse, all frames', 'frames', parseAll(recordings), { note }),
      harness.measure(
        'replay end to end, all frames',
        'frames',
        replaySet(recordings, () => recordings.map(() => new SurveillancePipeline(settings))),
        { note },
      ),
      harness.measure('JSON.parse, market frames', 'frames', parseAll(market), { note: marketNote }),
      harness.measure('replay end to end, market frames', 'frames', replaySet(market, () => prepared), {
        note: marketNote,
        between: prepare,
      }),
    ];
  },
};
