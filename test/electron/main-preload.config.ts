// The project's electron-vite config without the renderer: the security test
// builds only the main process and the preload, so it does not depend on
// (or wait for) the renderer build.
import config from '../../electron.vite.config';

export default { main: config.main, preload: config.preload };
