// Types for scripts/code-server.mjs, for the end-to-end tests (TypeScript) that import it.
export declare const NODE_VERSION: string;
export declare const CODE_SERVER_VERSION: string;
export interface CodeServer {
  node: string;
  entry: string;
  dir: string;
}
export interface InstanceDirs {
  base: string;
  userData: string;
  extensions: string;
  xdg: string;
  config: string;
}
export interface RunningCodeServer {
  url: string;
  port: number;
  pid: number;
  logFile: string;
  /** Kills the whole process tree; resolves to the pids still alive after SIGKILL (normally none). */
  stop(): Promise<number[]>;
}
export declare function cacheRoot(): string;
export declare function ensureCodeServer(opts?: { log?: (s: string) => void }): Promise<CodeServer>;
export declare function instanceDirs(base: string): InstanceDirs;
export declare function installExtension(cs: CodeServer, dirs: InstanceDirs, vsix: string): void;
export declare function freePort(): Promise<number>;
export declare function killTree(pid: number, graceMs?: number): Promise<number[]>;
export declare function startCodeServer(
  cs: CodeServer,
  dirs: InstanceDirs,
  opts?: { folder?: string; port?: number; env?: Record<string, string>; log?: (s: string) => void; readyTimeoutMs?: number },
): Promise<RunningCodeServer>;
