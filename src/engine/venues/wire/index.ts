/**
 * Reading venue frames, shared by every venue's mapper (docs/adding-a-venue.md):
 * one rejection type, one set of field readers, one level rule (level-rules.ts
 * through `requireLevels`) and one safe map wrapper.
 */
export { clip, forBook, reject, WireReject } from './reject';
export {
  isAbsent,
  isRecord,
  optionalDecimal,
  optionalInt32,
  optionalInteger,
  optionalTime,
  requireDecimal,
  requireInteger,
  requireLevels,
  requireList,
  requireObject,
  requireSize,
  requireString,
} from './readers';
export { mapFrame, parseJson, pathOf, queryParam } from './map-frame';
export { describeValue } from '../../../shared/core/level-rules';
