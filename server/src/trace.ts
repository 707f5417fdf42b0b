// Tracing: $/logTrace at the level the client ($/setTrace, initialize) or memdesc.trace.server asks for, the higher.

import { LogTraceNotification, type Connection } from 'vscode-languageserver/node';
import type { TraceLevel } from '../../shared/settings';

const RANK: Record<TraceLevel, number> = { off: 0, messages: 1, verbose: 2 };

export class Tracer {
  /** What the client asked for (initialize, $/setTrace). */
  fromClient: TraceLevel = 'off';
  /** What memdesc.trace.server says (the last settings that named a level). */
  fromSettings: TraceLevel = 'off';
  /** After shutdown nothing is sent. */
  stopped = false;

  constructor(private readonly connection: Connection) {}

  get level(): TraceLevel {
    return RANK[this.fromClient] >= RANK[this.fromSettings] ? this.fromClient : this.fromSettings;
  }

  /** A message, with details that only `verbose` shows. */
  log(message: string, verbose?: string): void {
    const level = this.level;
    if (level === 'off' || this.stopped) return;
    void this.connection.sendNotification(LogTraceNotification.type, { message, verbose: level === 'verbose' ? verbose : undefined }).catch(() => undefined);
  }
}
