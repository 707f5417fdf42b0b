// The language client: starts the bundled server (dist/server.js) over node IPC, answers its
// workspace/configuration requests with resolved settings, and writes its log and trace to the output channel.

import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { SETTINGS_SECTION } from '../../shared/settings';
import { DOCUMENT_SELECTOR } from './documents';
import { folderFor, settingsForServer } from './settings';

export function createLanguageClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel: output,
    // The struct hover links to the diagram; no other command may run from the server's markdown.
    markdown: { isTrusted: { enabledCommands: ['memdesc.openLayout'] } },
    middleware: {
      workspace: {
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) return result;
          return params.items.map((item, i) => {
            if (item.section !== SETTINGS_SECTION) return result[i];
            const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
            return settingsForServer(result[i], folderFor(scope));
          });
        },
      },
    },
  };
  const client = new LanguageClient('memdesc', 'memdesc-layout', serverOptions, clientOptions);
  return client;
}
