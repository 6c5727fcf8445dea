/**
 * `npm run fuzz`: the fuzz suite's cases (test/fuzz/invariants.ts) for
 * minutes instead of seconds, with fresh seeds, over every real capture.
 * Prints how many mutated frames were tried, the rejections by reason and
 * every broken invariant with the capture, seed and mutations to replay it.
 * Exit 1 on any finding. See docs/fuzz.md.
 *
 *   npm run fuzz -- [--minutes 3] [--seed N] [--capture NAME] [--cases N] [--mutations 25]
 */
import { readCaptureFrames } from '../../src/engine/capture/capture-reader';
import { REAL, realRecording } from '../support/shared-data';
import { reference, runCase, type Reference } from './invariants';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
}

const minutes = Number(option('minutes') ?? 3);
const firstSeed = Number(option('seed') ?? (Date.now() % 1_000_000_007));
const maxCases = option('cases') === undefined ? Number.POSITIVE_INFINITY : Number(option('cases'));
const mutationsPerCase = Number(option('mutations') ?? 25);
const only = option('capture');
/** A case slower than this is reported: the engine must not stall on any frame. */
const SLOW_CASE_MS = 10_000;

const names = Object.values(REAL).filter((n) => only === undefined || n === only);
if (names.length === 0) {
  process.stderr.write(`fuzz: no capture named ${only}; one of ${Object.values(REAL).join(', ')}\n`);
  process.exit(2);
}
const refs: Reference[] = [];
for (const name of names) refs.push(reference(name, await readCaptureFrames(realRecording(name))));

const deadline = Date.now() + minutes * 60_000;
const rejected: Record<string, number> = {};
const findings: string[] = [];
let cases = 0;
let tried = 0;
let invalidated = 0;
let slowest = 0;
let lastReport = Date.now();
for (let seed = firstSeed; cases < maxCases && Date.now() < deadline; seed += 1) {
  const ref = refs[cases % refs.length]!;
  const started = Date.now();
  const outcome = runCase(ref, seed, mutationsPerCase);
  const ms = Date.now() - started;
  slowest = Math.max(slowest, ms);
  cases += 1;
  tried += outcome.framesTried;
  invalidated += outcome.invalidated;
  for (const [reason, n] of Object.entries(outcome.rejected)) rejected[reason] = (rejected[reason] ?? 0) + n;
  const broken = ms > SLOW_CASE_MS ? [...outcome.findings, `case took ${ms} ms`] : outcome.findings;
  if (broken.length > 0) {
    findings.push(`${ref.name} --seed ${seed}:\n  ${broken.join('\n  ')}\n  mutations:\n    ${outcome.mutations.join('\n    ')}`);
  }
  if (Date.now() - lastReport > 15_000) {
    lastReport = Date.now();
    process.stdout.write(`fuzz: ${cases} cases, ${tried} mutated frames, ${findings.length} findings\n`);
  }
}

const byReason = Object.entries(rejected)
  .sort(([, a], [, b]) => b - a)
  .map(([reason, n]) => `${reason} ${n}`)
  .join(', ');
process.stdout.write(
  [
    `fuzz: ${cases} cases over ${refs.map((r) => r.name).join(', ')}, seeds ${firstSeed}..${firstSeed + cases - 1}`,
    `  mutated frames tried: ${tried} (${mutationsPerCase} a case)`,
    `  rejected by reason: ${byReason || 'none'}`,
    `  books thrown away by the mutations: ${invalidated}`,
    `  slowest case: ${slowest} ms`,
    `  findings: ${findings.length}`,
    ...findings,
    '',
  ].join('\n'),
);
process.exit(findings.length > 0 ? 1 : 0);
