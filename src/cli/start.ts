import { launchConsole } from './launch-console';

// `npm start`: the console on the live exchanges. Electron when installed,
// else the browser console at http://127.0.0.1:8050 (features.yaml web).
process.exitCode = await launchConsole(process.argv.slice(2), {}, []);
