// Types of make-icons.mjs for the TypeScript that imports it (tests).
export declare const PNG_SIZES: readonly number[];
export declare const ICO_SIZES: readonly number[];
export declare const ICNS_TYPES: readonly (readonly [string, number])[];
export declare function drawIcon(size: number): Buffer;
export declare function encodePng(size: number, pixels: Buffer): Buffer;
export declare function encodeIco(pngs: readonly (readonly [number, Buffer])[]): Buffer;
export declare function encodeIcns(entries: readonly (readonly [string, Buffer])[]): Buffer;
export declare function writeIcons(outDir: string): string[];
