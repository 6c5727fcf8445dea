// Electron's fuses for the packaged app (item 19 of Electron's security
// checklist, docs/desktop.md): flipped in the binary itself by the afterPack
// hook (scripts/after-pack.mjs), so no environment variable or command-line
// switch can turn them back on. The reason for each is beside it.
import { FuseV1Options, FuseVersion } from '@electron/fuses';

/** The fuses and their values; anything not listed keeps Electron's default. */
export const FUSE_SETTINGS = Object.freeze({
  // ELECTRON_RUN_AS_NODE would turn the signed app into a plain Node that runs any script.
  [FuseV1Options.RunAsNode]: false,
  // Cookies and the session's storage encrypted with the OS keychain's key.
  [FuseV1Options.EnableCookieEncryption]: true,
  // NODE_OPTIONS could preload code into the main process.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  // --inspect and friends would open a debugger port on the main process.
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // app.asar is checked against the hash electron-builder embeds (macOS and Windows; Linux has no check).
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  // Only app.asar, never a loose app/ folder dropped beside it.
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  // The console is served on app://console/ (src/main/app-protocol.ts): file:// needs no extra privileges.
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
});

/**
 * The config for @electron/fuses' flipFuses for one packaged target.
 * Flipping fuses breaks the ad-hoc signature of an arm64 macOS binary,
 * which must then be signed again (electron-builder signs after this hook).
 */
export function fuseConfig({ platform, arm64 }) {
  return { version: FuseVersion.V1, resetAdHocDarwinSignature: platform === 'darwin' && arm64, ...FUSE_SETTINGS };
}
