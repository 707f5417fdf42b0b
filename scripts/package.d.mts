// Types for scripts/package.mjs, for the tests that package the extension.
export declare const vsixPath: string;
export declare function packageVsix(opts?: { quiet?: boolean }): string;
