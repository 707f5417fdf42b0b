// Entry point of dist/server.js: the language server on stdio (--stdio) or node IPC (--node-ipc).

import { startServer } from './server';

startServer();
