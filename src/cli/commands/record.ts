import { openCaptureWriter, RECORDING_GZIP_MEMBER_BYTES } from '../../engine/capture/capture-writer';
import { LiveSelection } from '../../engine/live/live-selection';
import { LiveSession } from '../../engine/live/live-session';
import { pipelineSettingsFrom } from '../../engine/pipeline/pipeline-settings';
import { SurveillancePipeline } from '../../engine/pipeline/surveillance-pipeline';
import { knownVenueIds, venueById } from '../../engine/venues/registry';
import type { FeedSubscription } from '../../engine/feed/feed';
import type { FeedStatus } from '../../engine/feed/feed-status';
import type { Config } from '../../shared/config';
import { enabledVenueInstruments } from '../../engine/venues/venue-instruments';
import { outputPathProblem } from '../output-path';
import { CONFIG_OPTION, loadConfigOption } from '../config-option';
import type { CliCommand, CliIo } from '../index';

/**
 * `record --venue V --instruments A,B --out FILE [--duration S]`: the raw feed
 * of one venue into a capture, through the same live session and writer the
 * console uses. The pipeline runs too: it is what asks for the REST snapshots
 * a replay needs, and its health shows while recording.
 */
export const record: CliCommand = {
  name: 'record',
  summary: 'Record a venue\'s raw feed (and the REST metadata and snapshots replay needs) into a capture',
  options: {
    venue: {
      type: 'string',
      valueName: 'VENUES',
      description: `venue ids, comma separated: ${knownVenueIds().join(', ')} (binance-usdm,binance-spot keeps perp vs spot basis replayable)`,
    },
    instruments: { type: 'string', valueName: 'IDS', description: 'canonical ids from instruments.yaml, comma separated (default: every enabled one on the venue)' },
    out: { type: 'string', valueName: 'FILE', description: 'capture to write (.jsonl, or .jsonl.gz for gzip); rotates by size into FILE.0001...' },
    duration: { type: 'string', valueName: 'S', description: 'stop after S seconds (default: until Ctrl-C)' },
    config: CONFIG_OPTION,
  },
  async run(args, io) {
    const venueIds = typeof args.values.venue === 'string' ? args.values.venue.split(',').map((v) => v.trim()).filter(Boolean) : [];
    const out = args.values.out;
    if (venueIds.length === 0 || venueIds.some((v) => !venueById(v))) {
      io.err(`surveil record: --venue must be one or more of ${knownVenueIds().join(', ')}`);
      return 2;
    }
    if (typeof out !== 'string') {
      io.err('surveil record: --out FILE is required');
      return 2;
    }
    // Before connecting to anything: a recording into a missing folder must fail now, not when the first frame arrives.
    const outProblem = outputPathProblem(out);
    if (outProblem !== null) {
      io.err(`surveil record: --out ${outProblem}`);
      return 1;
    }
    const duration = args.values.duration === undefined ? null : Number(args.values.duration);
    if (duration !== null && !(duration > 0)) {
      io.err(`surveil record: --duration must be a positive number of seconds, got "${String(args.values.duration)}"`);
      return 2;
    }
    const loaded = loadConfigOption(args, io);
    if (!loaded) return 1;
    // select: rules resolved once at start; a recording's set is fixed for its duration (docs/discovery.md).
    const config = (await LiveSelection.start(loaded, { log: (line) => io.out(line) })).config;
    const wanted = typeof args.values.instruments === 'string' ? args.values.instruments.split(',').map((s) => s.trim()).filter(Boolean) : null;
    const selections = venueIds.map((venueId) => ({ venueId, selection: selectInstruments(config, venueId, wanted) }));
    const unknown = (wanted ?? []).filter((id) => !selections.some(({ selection }) => typeof selection !== 'string' && selection.ids.includes(id)));
    if (unknown.length > 0) {
      io.err(`surveil record: not enabled on ${venueIds.join(' or ')} in instruments.yaml: ${unknown.join(', ')}`);
      return 1;
    }
    const active = selections.flatMap(({ venueId, selection }) => (typeof selection === 'string' ? [] : [{ venueId, ...selection }]));
    if (active.length === 0) {
      io.err(`surveil record: no enabled instrument on ${venueIds.join(', ')}`);
      return 1;
    }
    const ids = [...new Set(active.flatMap((a) => a.ids))];

    const writer = await openCaptureWriter({
      path: out,
      header: { source: 'recorded', venue: active.length === 1 ? active[0]!.venueId : active.map((a) => a.venueId), instruments: ids },
      gzipMemberBytes: RECORDING_GZIP_MEMBER_BYTES,
      onError: (error) => io.err(`surveil record: ${error.message}`),
    });
    const pipeline = new SurveillancePipeline(pipelineSettingsFrom(config));
    const session = new LiveSession({
      pipeline,
      sampleIntervalMs: config.features.sampling.intervalMs,
      createFeeds: (sink) =>
        active.map((a) =>
          venueById(a.venueId)!.createFeed({ subscriptions: a.subscriptions, exchanges: config.exchanges, limits: config.features.limits, sink }),
        ),
      extraSink: writer,
    });
    session.start();
    // Listening before the line that says it records: whoever reads that line and then signals must stop it, not kill it.
    const stopped = waitForStop(duration);
    io.out(`recording ${active.map((a) => a.venueId).join(' + ')} ${ids.join(', ')} into ${out}${duration ? ` for ${duration} s` : ' until Ctrl-C'}`);
    const statusTimer = setInterval(() => printStatus(session.status(), writer.stats().frames, io), 10_000);
    await stopped;
    clearInterval(statusTimer);
    await session.stop();
    await writer.close();
    const stats = writer.stats();
    io.out(`recorded ${stats.frames} frames, ${stats.bytes} bytes in ${stats.files.join(', ')}${stats.dropped > 0 ? `; ${stats.dropped} frames DROPPED` : ''}`);
    return stats.dropped > 0 || writer.error ? 1 : 0;
  },
};

/** The enabled instruments of instruments.yaml on one venue (all, or those in `wanted`); a string when none. */
function selectInstruments(config: Config, venueId: string, wanted: string[] | null) {
  const ids: string[] = [];
  const subscriptions: FeedSubscription[] = [];
  for (const { venue, instrument, listing } of enabledVenueInstruments(config)) {
    if (venue !== venueId || (wanted && !wanted.includes(instrument.id))) continue;
    ids.push(instrument.id);
    subscriptions.push({ symbol: listing.symbol, depthStream: listing.depthStream, index: listing.index });
  }
  if (subscriptions.length === 0) return `no enabled instrument on ${venueId}`;
  return { ids, subscriptions };
}

function waitForStop(duration: number | null): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      if (timer) clearTimeout(timer);
      resolve();
    };
    const timer = duration === null ? null : setTimeout(done, duration * 1000);
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

function printStatus(statuses: readonly FeedStatus[], frames: number, io: CliIo): void {
  for (const status of statuses) {
    const conns = status.connections.map((c) => `${c.id} ${c.state} ${c.messageRate.toFixed(1)}/s${c.lagMs === null ? '' : ` lag ${c.lagMs} ms`}`);
    io.out(`${status.venue}: ${frames} frames written; ${conns.join('; ')}`);
  }
}
