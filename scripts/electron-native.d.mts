// Types of electron-native.mjs for the TypeScript that imports it (tests).
export interface NativeBuild {
  readonly electron: string;
  readonly betterSqlite3: string;
  readonly platform: string;
  readonly arch: string;
}
export declare const NATIVE_DIR: string;
export declare const ADDON_FILE: string;
export declare const STAMP_FILE: string;
export declare function wantedBuild(root?: string): NativeBuild;
export declare function staleNativeReason(dir: string, wanted: NativeBuild): string | null;
