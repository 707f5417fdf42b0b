// The language client: starts the bundled server (dist/server.js) over node IPC, answers its
// workspace/configuration requests with resolved settings, and writes its log and trace to the output channel.

import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { ConfigVariant, ConfigVariantsRequest } from '../../shared/protocol';
import { SETTINGS_SECTION } from '../../shared/settings';
import { DOCUMENT_SELECTOR } from './documents';
import { folderFor, settingsForServer } from './settings';

export function createLanguageClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  // The variants only change when the server does: ask once, on the first setting that names one.
  let variants: Promise<ConfigVariant[]> | undefined;
  const variantList = (): Promise<ConfigVariant[]> =>
    (variants ??= Promise.resolve(client.sendRequest(ConfigVariantsRequest, {})).catch((e: unknown) => {
      output.appendLine(`memdesc/configVariants failed: ${String(e)}`);
      variants = undefined;
      return [];
    }));
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
          return Promise.all(
            params.items.map(async (item, i) => {
              if (item.section !== SETTINGS_SECTION) return result[i];
              const raw = result[i] as Record<string, unknown> | null;
              const needsVariants = !!raw && typeof raw.variant === 'string' && raw.variant !== '';
              const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
              return settingsForServer(raw, folderFor(scope), needsVariants ? await variantList() : undefined);
            }),
          );
        },
      },
    },
  };
  const client = new LanguageClient('memdesc', 'memdesc-layout', serverOptions, clientOptions);
  return client;
}
