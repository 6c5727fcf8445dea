// Types of after-pack.mjs for the TypeScript that imports it (tests).
export default function afterPack(context: {
  readonly electronPlatformName: string;
  readonly arch: number;
  readonly appOutDir: string;
  readonly packager: { addElectronFuses(context: unknown, fuses: object): Promise<unknown> };
}): Promise<void>;
