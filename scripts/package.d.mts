// Types for scripts/package.mjs, for the tests that package the extension and the npm package.
export declare const vsixPath: string;
export declare const tarballPath: string;
export declare function vsixManifest(): Record<string, unknown>;
export declare function packageVsixReport(opts?: { quiet?: boolean }): { path: string; log: string; stage: string };
export declare function packageVsix(opts?: { quiet?: boolean }): string;
export declare function packageNpm(opts?: { quiet?: boolean; stage?: string; dest?: string }): { path: string; files: string[]; size: number; unpackedSize: number };
