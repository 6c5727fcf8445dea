// Types of cli-bundle.mjs for the TypeScript that imports it (tests).
export declare const REPO_ROOT: string;
export declare const ENTRIES: Readonly<Record<'index' | 'start' | 'demo' | 'feed-worker' | 'analytics-worker', string>>;
export declare const SOURCE_PATHS: readonly string[];
export declare function newestMtime(path: string): number;
export declare function staleReason(root?: string, outDir?: string): string | null;
export declare function buildCli(root?: string, outDir?: string): Promise<{ outDir: string; files: string[]; ms: number }>;
export declare function readStamp(outDir?: string): { built: string; esbuild: string; entries: Record<string, string> } | null;
