// The CI recipes for kernel trees (ci/): the shell recipe run for real with the installed npm package, on the
// examples' tree (exit 0, empty SARIF), on a copy with a failing assertion (exit 1, the SARIF result where the
// assertion is, GitHub annotations) and on input it cannot check (exit 2, no SARIF left to upload); the GitHub
// Actions workflow's structure, and its check step's own command run in a checkout laid out as it says.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { Installed, installPackage, ROOT } from '../installed';

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const RECIPE = path.join(ROOT, 'ci/memdesc-layout-check.sh');

interface SarifLog {
  version: string;
  runs: Array<{
    tool: { driver: { name: string; version: string; rules: Array<{ id: string }> } };
    results: Array<{ ruleId: string; level: string; message: { text: string }; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }> }>;
  }>;
}

describe('the CI recipes for kernel trees', { timeout: 300_000 }, () => {
  let installed: Installed;
  let dir = '';
  let good = '';
  let broken = '';
  let failingLine = 0;

  before(async () => {
    installed = await installPackage();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memdesc-ci-'));
    good = path.join(dir, 'good');
    fs.cpSync(path.join(ROOT, 'examples/linux'), good, { recursive: true });
    // The same tree with one member inserted before slab.__page_refcount: SLAB_MATCH(_refcount, ...) fails.
    broken = path.join(dir, 'broken');
    fs.cpSync(good, broken, { recursive: true });
    const slab = path.join(broken, 'mm/slab.h');
    const text = fs.readFileSync(slab, 'utf8');
    assert.ok(text.includes('\tatomic_t __page_refcount;'));
    const changed = text.replace('\tatomic_t __page_refcount;', '\tunsigned int __inserted;\n\tatomic_t __page_refcount;');
    fs.writeFileSync(slab, changed);
    failingLine = changed.split('\n').indexOf('SLAB_MATCH(_refcount, __page_refcount);') + 1;
    assert.ok(failingLine > 0);
  });
  after(() => {
    installed?.remove();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the recipe with dash (sh on Debian and on GitHub's Ubuntu runners) and the installed package on PATH. */
  const dash = spawnSync('sh', ['-c', 'command -v dash'], { encoding: 'utf8' }).stdout.trim() || 'dash';
  const recipe = (args: string[], env: Record<string, string> = {}, cwd = dir) => spawnSync(dash, [RECIPE, ...args], { cwd, encoding: 'utf8', env: { ...installed.env, GITHUB_ACTIONS: '', ...env }, timeout: 120_000 });
  const sarif = (file: string): SarifLog => JSON.parse(fs.readFileSync(file, 'utf8'));

  it('a tree whose assertions hold: exit 0 and a valid SARIF log without results', () => {
    const out = path.join(dir, 'good.sarif');
    const r = recipe([good, out]);
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    const log = sarif(out);
    assert.equal(log.version, '2.1.0');
    assert.equal(log.runs[0].tool.driver.name, 'memdesc-layout');
    assert.equal(log.runs[0].tool.driver.version, pkg.version);
    assert.deepEqual(log.runs[0].results, []);
    assert.match(r.stdout, /memdesc-layout: 0 result\(s\), 0 error\(s\)/);
  });

  it('a failing assertion: exit 1, the result in the SARIF log where the assertion is, and in the log', () => {
    const out = path.join(dir, 'broken.sarif');
    const r = recipe([broken, out]);
    assert.equal(r.status, 1, `${r.stdout}${r.stderr}`);
    const { results, tool } = sarif(out).runs[0];
    // The tree's own .config (the example's has MEMCG on) is used: the inserted member also moves slab.obj_exts and
    // grows struct slab, so SLAB_MATCH(memcg_data, obj_exts) and the size assertion fail too.
    assert.equal(results.length, 3, JSON.stringify(results));
    const res = results.find((x) => x.message.text.startsWith('SLAB_MATCH(_refcount'))!;
    assert.equal(res.ruleId, 'assert-fails');
    assert.equal(res.level, 'error');
    assert.match(res.message.text, /^SLAB_MATCH\(_refcount, __page_refcount\) fails: offsetof\(struct page, _refcount\) is 52 but offsetof\(struct slab, __page_refcount\) is 56/);
    // Relative to the tree, which is the repository root code scanning resolves paths against.
    assert.deepEqual(res.locations[0].physicalLocation, { artifactLocation: { uri: 'mm/slab.h' }, region: { startLine: failingLine, startColumn: 1 } });
    assert.deepEqual(tool.driver.rules.map((x) => x.id), ['assert-fails']);
    assert.ok(r.stdout.split('\n').some((l) => l.startsWith(`mm/slab.h:${failingLine}:1: error: SLAB_MATCH(_refcount, __page_refcount) fails`) && l.endsWith('[assert-fails]')), r.stdout);
    assert.doesNotMatch(r.stdout, /^::/m, 'no workflow commands outside GitHub Actions');
  });

  it('under GitHub Actions each result is also an annotation; MEMDESC_CHECK_ARGS reaches the check', () => {
    const out = path.join(dir, 'matrix.sarif');
    const r = recipe([broken, out], { GITHUB_ACTIONS: 'true', MEMDESC_CHECK_ARGS: '--matrix --arch x86_64' });
    assert.equal(r.status, 1, `${r.stdout}${r.stderr}`);
    const annotation = r.stdout.split('\n').find((l) => l.startsWith('::error '));
    assert.ok(annotation, r.stdout);
    assert.match(annotation, new RegExp(`^::error file=mm/slab\\.h,line=${failingLine},col=1,title=memdesc-layout assert-fails::SLAB_MATCH\\(_refcount, __page_refcount\\) fails`));
    // --matrix: the message names the combinations it fails in.
    assert.match(sarif(out).runs[0].results[0].message.text, /\(in: [^)]*x86_64·memcg/);
  });

  it('exit 2 and no SARIF file when the check cannot run: no tree, a bad option, no memdesc-layout on PATH', () => {
    const out = path.join(dir, 'none.sarif');
    // A PATH with what the recipe runs besides memdesc-layout (a global install could be in /usr/bin).
    const tools = path.join(dir, 'tools');
    fs.mkdirSync(tools, { recursive: true });
    for (const t of ['node', 'rm', 'mv']) {
      const real = t === 'node' ? process.execPath : spawnSync('sh', ['-c', `command -v ${t}`], { encoding: 'utf8' }).stdout.trim();
      if (!fs.existsSync(path.join(tools, t))) fs.symlinkSync(real, path.join(tools, t));
    }
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [[path.join(dir, 'missing'), out], {}, /is not a directory/],
      [[path.join(dir), out], {}, /could not run \(exit 2\)/],
      [[good, out], { MEMDESC_CHECK_ARGS: '--no-such-option' }, /unknown option '--no-such-option'/],
      [[good, out], { PATH: tools }, /memdesc-layout is not on PATH/],
    ];
    for (const [args, env, message] of cases) {
      fs.writeFileSync(out, '{"stale": true}'); // a previous run's file must not be uploaded
      const r = recipe(args, env);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(fs.existsSync(out), false, `${args.join(' ')}: no SARIF left`);
    }
  });

  it('the GitHub Actions workflow: triggers, permission to upload, the pinned package, the recipe, the upload after a failure too', () => {
    const wf = parse(fs.readFileSync(path.join(ROOT, 'ci/github-actions.yml'), 'utf8'));
    assert.deepEqual(Object.keys(wf.on).sort(), ['pull_request', 'push']);
    assert.equal(wf.permissions['security-events'], 'write');
    const steps: Array<{ uses?: string; run?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, string> }> = wf.jobs.layout.steps;
    assert.match(steps[0].uses!, /^actions\/checkout@v\d+$/);
    const node = steps.find((s) => s.uses?.startsWith('actions/setup-node@'))!;
    assert.ok(Number(node.with!['node-version']) >= Number(pkg.engines.node.replace('>=', '')), 'a Node the package supports');
    assert.ok(steps.some((s) => s.run === `npm install -g memdesc-layout@${pkg.version}`), 'installs this version');
    const check = steps.find((s) => s.run?.includes('memdesc-layout-check.sh'))!;
    assert.equal(check.run, 'sh .github/memdesc-layout-check.sh . memdesc-layout.sarif');
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
    assert.equal(upload.if, "always() && hashFiles('memdesc-layout.sarif') != ''");
    assert.equal(upload.with!.sarif_file, 'memdesc-layout.sarif');
    assert.ok(steps.indexOf(upload) > steps.indexOf(check));

    // The check step as the runner runs it: in a checkout of the (broken) tree with the recipe where the
    // workflow's comment puts it, with the step's env.
    const checkout = path.join(dir, 'checkout');
    fs.cpSync(broken, checkout, { recursive: true });
    fs.mkdirSync(path.join(checkout, '.github'));
    fs.copyFileSync(RECIPE, path.join(checkout, '.github/memdesc-layout-check.sh'));
    const r = spawnSync('dash', ['-e', '-c', check.run!], { cwd: checkout, encoding: 'utf8', env: { ...installed.env, ...check.env, GITHUB_ACTIONS: 'true' }, timeout: 120_000 });
    assert.equal(r.status, 1, `${r.stdout}${r.stderr}`);
    assert.equal(sarif(path.join(checkout, upload.with!.sarif_file as string)).runs[0].results[0].ruleId, 'assert-fails');
  });
});
