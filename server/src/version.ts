// The one version of memdesc-layout: package.json's, for `--version`, the server's serverInfo and SARIF's tool.
// esbuild inlines only this field of package.json into each bundle; tsc's out/ reads the copy it emits.

import { version } from '../../package.json';

export const VERSION: string = version;
