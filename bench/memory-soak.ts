/**
 * One-hour memory soak of the engine (see memory-bench.ts):
 *
 *   npx tsx --expose-gc bench/memory-soak.ts [--minutes 60] [--extra-assets 11] [--seed 1] [--every 5]
 *
 * Prints RSS and heapUsed (after a forced GC) every `--every` simulated
 * minutes, the peak RSS at 10 and 60 minutes, the sample rows written and
 * the slope of heapUsed from minute 10 to the end in MB per hour, beside
 * the slope of the book levels the engine holds (the engine's memory
 * scales with them; the simulator keeps its books' shape stationary, so they
 * stay about flat). Exits 1 when the heap grows faster than 10 MB per hour:
 * a leak, not book size or noise.
 */
import { parseArgs } from 'node:util';
import { formatMemorySample, runMemorySoak } from './memory-bench';

/** Heap growth past this (MB per simulated hour, after warmup) is reported as a leak. */
const LEAK_MB_PER_HOUR = 10;

function main(): number {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '60' },
      'extra-assets': { type: 'string', default: '11' },
      seed: { type: 'string', default: '1' },
      every: { type: 'string', default: '5' },
    },
  });
  const minutes = Number(values.minutes);
  const extraAssets = Number(values['extra-assets']);
  const every = Number(values.every);
  if (!(minutes > 0) || !Number.isInteger(extraAssets) || extraAssets < 0 || !(every > 0)) {
    process.stderr.write('usage: npx tsx --expose-gc bench/memory-soak.ts [--minutes 60] [--extra-assets 11] [--seed 1] [--every 5]\n');
    return 2;
  }
  console.log(`memory soak: ${minutes} simulated minutes, calm market, ${8 + 4 * extraAssets} instruments, node ${process.version}`);
  const result = runMemorySoak({
    minutes,
    extraAssets,
    seed: Number(values.seed),
    sampleEveryMinutes: every,
    onSample: (s) => console.log(formatMemorySample(s)),
  });
  const peak = (minute: number): string => {
    const mb = result.peakRssAt(minute);
    return mb === undefined ? 'n/a (run shorter)' : `${mb.toFixed(1)} MB`;
  };
  const first = result.samples.find((s) => s.minute >= 10);
  const last = result.samples[result.samples.length - 1];
  if (!result.gcExposed) console.log('warning: no forced GC was possible; heapUsed includes uncollected garbage (run with --expose-gc)');
  console.log('');
  console.log(`instruments            ${result.instruments}`);
  console.log(`frames                 ${result.frames.toLocaleString('en-US')}`);
  console.log(`samples written        ${result.samplesWritten.toLocaleString('en-US')} (history file ${result.historyFileMb.toFixed(1)} MB)`);
  console.log(`alerts                 ${result.alerts}, rejected frames ${result.rejectedFrames}`);
  console.log(`peak RSS at 10 min     ${peak(10)}`);
  console.log(`peak RSS at 60 min     ${peak(60)}`);
  if (first && last) {
    console.log(`heapUsed min ${first.minute} -> ${last.minute}  ${first.heapUsedMb.toFixed(1)} -> ${last.heapUsedMb.toFixed(1)} MB`);
    console.log(`book levels min ${first.minute} -> ${last.minute} ${first.bookLevels.toLocaleString('en-US')} -> ${last.bookLevels.toLocaleString('en-US')}`);
  }
  console.log(`heapUsed slope         ${result.heapSlopeMbPerHour.toFixed(2)} MB per hour (minute 10 to ${result.minutes}${result.gcExposed ? ', after forced GC' : ', no forced GC'})`);
  // The engine's books mirror the simulated ones: read the heap against their level count.
  console.log(`book levels slope      ${Math.round(result.levelSlopePerHour).toLocaleString('en-US')} levels per hour`);
  if (result.levelSlopePerHour > 0) {
    console.log(`heap per added level   ${((result.heapSlopeMbPerHour * 1024 * 1024) / result.levelSlopePerHour).toFixed(0)} bytes (engine + simulator book level: ~250-300)`);
  }
  console.log(`wall time              ${result.wallSeconds.toFixed(1)} s`);
  return result.heapSlopeMbPerHour > LEAK_MB_PER_HOUR ? 1 : 0;
}

process.exitCode = main();
