/**
 * The exchange simulator: Binance spot, USD-M and COIN-M, OKX and Bybit
 * markets driven by one fair-value process, with injectable scenarios, written as captures
 * with ground-truth labels (no waiting) or served live on loopback ports.
 */
export { labelsText, type LabelExpectation, type LabelFamily, type LabelFeedEvent, type LabelInjection, type SimLabels } from './labels';
export type { OkxProtocol } from './okx-protocol';
export {
  defaultOkxProtocol,
  DEFAULT_DURATION_MS,
  DEFAULT_INJECT_AT_MS,
  isScenarioName,
  planScenario,
  SCENARIO_NAMES,
  type PlannedInjection,
  type ScenarioName,
  type ScenarioPlan,
  type ScenarioRequest,
} from './scenarios';
export {
  DEFAULT_START_TIME,
  planSimulation,
  simulateFrames,
  simulateToCapture,
  type SimulateOptions,
  type SimulateToCaptureOptions,
  type SimulationResult,
} from './sim-capture';
export { extraAssetProfiles, MAX_EXTRA_ASSETS, type ExtraAssetProfile } from './fair-value';
export { SIM_INSTRUMENTS, SIM_VENUES, simInstruments, simInstrumentsConfig, type SimInstrument, type SimVenue } from './sim-instruments';
export { SimServer, startSimServer, type SimServerOptions, type SimVenueUrls } from './sim-server';
