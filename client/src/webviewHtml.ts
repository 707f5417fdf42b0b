// The layout webview's HTML: a strict Content-Security-Policy (nothing by default; the bundled stylesheet; the
// bundled script by nonce only; images only from our media or data: for the PNG export) and no inline code.

export interface WebviewHtmlParts {
  /** webview.cspSource: the origin VS Code serves the extension's own files from. */
  cspSource: string;
  /** A fresh random nonce per page load. */
  nonce: string;
  script: string;
  style: string;
}

const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [`default-src 'none'`, `style-src ${cspSource}`, `script-src 'nonce-${nonce}'`, `img-src ${cspSource} data:`, `font-src ${cspSource}`].join('; ');
}

export function webviewHtml(p: WebviewHtmlParts): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(p.cspSource, p.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(p.style)}">
<title>memdesc layout</title>
</head>
<body>
<div id="toolbar" role="toolbar" aria-label="Layout diagram options"></div>
<div id="status" role="status" aria-live="polite"></div>
<div id="diagram" tabindex="-1"></div>
<div id="tooltip" role="tooltip" hidden></div>
<script nonce="${attr(p.nonce)}" src="${attr(p.script)}"></script>
</body>
</html>`;
}
