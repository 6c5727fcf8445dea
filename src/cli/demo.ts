import { SHOWCASE } from '../engine/console/demo-schedule';
import { launchConsole } from './launch-console';

// `npm run demo`: the console on the local simulator with the showcase
// schedule (warmup, then every alert family fires and resolves within two
// minutes, then feed faults). Electron when installed, else the browser
// console at http://127.0.0.1:8050. The screen says SIMULATED throughout.
process.exitCode = await launchConsole(process.argv.slice(2), { demo: SHOWCASE }, [`--demo=${SHOWCASE}`]);
