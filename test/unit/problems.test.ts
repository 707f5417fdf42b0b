// The problem-code registry: every code has one severity wherever it is shown, and the README documents each code
// with that severity.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { PROBLEM_CODES, severityOf } from '../../server/src/engine/base/problems';

const README = fs.readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');

describe('problem codes: one registry', () => {
  it('the README table lists every code with its severity and meaning, and nothing else', () => {
    const section = README.slice(README.indexOf('### Diagnostic codes'));
    const rows = [...section.matchAll(/^\| `([a-z0-9-]+)` \| (error|warning|info) \| (.+) \|$/gm)].map((m) => [m[1], m[2], m[3]]);
    assert.ok(rows.length > 40, `README rows found: ${rows.length}`);
    const expected = Object.entries(PROBLEM_CODES).map(([c, v]) => [c, v.severity, v.meaning]);
    assert.deepEqual(rows, expected);
  });

  it('every code is kebab-case and has a severity', () => {
    for (const code of Object.keys(PROBLEM_CODES) as Array<keyof typeof PROBLEM_CODES>) {
      assert.match(code, /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
      assert.ok(['error', 'warning', 'info'].includes(severityOf(code)));
    }
  });

  it('every code the sources report is in the registry (string literals passed as codes)', () => {
    const root = path.resolve(__dirname, '../../../server/src');
    const used = new Set<string>();
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith('.ts')) {
          const text = fs.readFileSync(p, 'utf8');
          for (const m of text.matchAll(/(?:report|error|warning|info)\((?:'(?:error|warning|info)', )?'([a-z0-9-]+)'/g)) used.add(m[1]);
          for (const m of text.matchAll(/\bcode: '([a-z0-9-]+)'/g)) used.add(m[1]);
        }
      }
    };
    walk(root);
    assert.ok(used.size > 30, `codes found in the sources: ${used.size}`);
    for (const s of ['error', 'warning', 'info']) used.delete(s); // a severity followed by a computed code
    const unknown = [...used].filter((c) => !(c in PROBLEM_CODES));
    assert.deepEqual(unknown, []);
  });
});
