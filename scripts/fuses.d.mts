// Types of fuses.mjs for the TypeScript that imports it (tests).
export declare const FUSE_SETTINGS: Readonly<Record<number, boolean>>;
export declare function fuseConfig(target: { platform: string; arm64: boolean }): Record<string | number, unknown> & { version: string; resetAdHocDarwinSignature: boolean };
