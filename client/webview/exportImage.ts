// Export of the diagram: a standalone SVG with the theme's computed colours and fonts inlined (the CSS variables
// only exist inside VS Code), and a PNG drawn from that SVG at twice the size.

const PROPS = ['fill', 'text-anchor', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-opacity', 'opacity', 'font-family', 'font-size', 'font-weight', 'font-style', 'visibility', 'display'];

export function exportSvg(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const src = [svg, ...svg.querySelectorAll('*')];
  const dst = [clone, ...clone.querySelectorAll('*')];
  src.forEach((s, i) => {
    const d = dst[i];
    const cs = getComputedStyle(s);
    for (const p of PROPS) {
      const v = cs.getPropertyValue(p);
      if (v) d.setAttribute(p, v);
    }
    d.removeAttribute('tabindex');
    d.classList.remove('lit', 'hot', 'cursor');
  });
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', getComputedStyle(document.body).backgroundColor || '#ffffff');
  clone.insertBefore(bg, clone.firstChild);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}\n`;
}

/** PNG as base64 (no data: prefix). */
export async function exportPng(svg: SVGSVGElement, scale = 2): Promise<string> {
  const text = exportSvg(svg);
  const img = new Image();
  img.src = `data:image/svg+xml;base64,${base64(new TextEncoder().encode(text))}`;
  await img.decode();
  const w = Number(svg.getAttribute('width'));
  const h = Number(svg.getAttribute('height'));
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(w * scale);
  canvas.height = Math.ceil(h * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas in this webview');
  ctx.scale(scale, scale);
  ctx.drawImage(img, 0, 0, w, h);
  return canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
}

function base64(bytes: Uint8Array): string {
  let s = '';
  // In slices: one spread of a few megabytes would overflow the call stack.
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
