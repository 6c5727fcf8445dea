// electron-builder's afterPack hook (electron-builder.yml): flips Electron's
// fuses (scripts/fuses.mjs) in the packaged binary, before signing.
// electron-builder's own addElectronFuses finds the executable per platform.
import { Arch } from 'electron-builder';
import { fuseConfig } from './fuses.mjs';

export default async function afterPack(context) {
  const config = fuseConfig({ platform: context.electronPlatformName, arm64: context.arch === Arch.arm64 });
  await context.packager.addElectronFuses(context, config);
}
