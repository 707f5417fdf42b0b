// `memdesc-layout check --all-configs` as a user runs it (the bundled dist/cli.js) on the named fixture tree: exit
// statuses (1 a counterexample, 0 everything holds, 3 not everything decided, 2 bad usage), the text, JSON and
// SARIF shapes of issue 13 (paths relative to the tree), progress on stderr only, a budget that ends first, and
// bad Kconfig input (a syntax error, a missing sourced file, a select/depends cycle) reported at its place while
// the rest is still explored.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { DiskKconfigHost, loadKconfig } from '../../server/src/engine/kconfig/index';
import { checkConfig, configValues } from '../../server/src/engine/kconfig/olddefconfig';
import { FIXTURE_MM_TYPES_H, FIXTURE_SLAB_H, KCONFIG_DEBUG_BROKEN, kernelFixture, lineOf, removeTree, writeTree, type FixtureOptions, type TreeFiles } from '../kernel-fixture';

const repo = path.resolve(__dirname, '../../..');
const cli = path.join(repo, 'dist/cli.js');

function run(args: string[]) {
  const r = spawnSync(process.execPath, [cli, 'check', '--all-configs', ...args], { cwd: repo, encoding: 'utf8', timeout: 240_000 });
  assert.equal(r.error, undefined, `${args.join(' ')}: ${r.error}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The fixture with every assertion holding: no _guard_owner in the folio, and the slab's obj_exts under MEMCG as page's memcg_data is. */
function consistentFixture(opts: FixtureOptions = {}): TreeFiles {
  const files = kernelFixture(opts);
  const guard = '#if defined(CONFIG_PAGE_TRACE_OWNER) && defined(CONFIG_FOLIO_GUARD)\n\tunsigned int _guard_owner;\n#endif\n';
  assert.ok(files['include/linux/mm_types.h'].includes(guard));
  files['include/linux/mm_types.h'] = files['include/linux/mm_types.h'].replace(guard, '');
  files['mm/slab.h'] = files['mm/slab.h'].replace('#ifdef CONFIG_SLAB_OBJ_EXT\n\tunsigned long obj_exts;', '#ifdef CONFIG_MEMCG\n\tunsigned long obj_exts;');
  return files;
}

const MM = 'include/linux/mm_types.h';
const REFCOUNT_LINE = lineOf(FIXTURE_MM_TYPES_H, 'FOLIO_MATCH(_refcount, _refcount)');
const SLAB_SIZE_LINE = lineOf(FIXTURE_SLAB_H, 'static_assert(sizeof(struct slab)');

interface JsonAssert {
  file: string;
  line: number;
  text: string;
  arch: string;
  symbols: string[];
  holds: boolean | null;
  note?: string;
  counterexample?: { assignment: Record<string, string>; config: string; offsets: [number | null, number | null]; why: string; members: Array<{ struct: string; member: string; file: string; line: number; offset: number | null }> };
}

describe('check --all-configs (CLI)', { timeout: 600_000 }, () => {
  const roots: string[] = [];
  const tree = (files: TreeFiles) => {
    const root = writeTree(files);
    roots.push(root);
    return root;
  };
  after(() => roots.forEach(removeTree));
  const fixture = tree(kernelFixture());

  it('text: exit 1, each counterexample with its assignment and why, each holding assertion with its symbols; progress on stderr only', () => {
    const r = run(['--kernel', fixture]);
    assert.equal(r.status, 1, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    const refcount = lines.find((l) => l.startsWith(`${MM}:${REFCOUNT_LINE}:1: x86_64: FOLIO_MATCH(_refcount, _refcount) FAILS under CONFIG_FOLIO_GUARD=y CONFIG_PAGE_TRACE_OWNER=y: `));
    assert.ok(refcount, r.stdout);
    assert.match(refcount, /offsetof\(struct page, _refcount\) is 52 but offsetof\(struct folio, _refcount\) is 56; why: struct folio: '_guard_owner' appeared at offset 52/);
    // The rest of what its .config changes, so that the assignment can be reproduced.
    assert.match(refcount, /\[its \.config also sets CONFIG_EXPERT=y CONFIG_PAGE_TRACE=y CONFIG_STRICT_FOLIO=y\]$/);
    assert.ok(lines.some((l) => /^mm\/slab\.h:\d+:1: x86_64: SLAB_MATCH\(_refcount, __page_refcount\) holds in every configuration \(2 symbols: CONFIG_SLUB_CPU_PARTIAL, CONFIG_SLUB_TINY_STATS; \d+ cases\)$/.test(l)), r.stdout);
    assert.ok(lines.some((l) => l.startsWith(`mm/slab.h:${SLAB_SIZE_LINE}:1: x86_64: static_assert(sizeof(struct slab) <= sizeof(struct page)) FAILS under CONFIG_MEMCG=n: `)), r.stdout);
    assert.equal(lines.filter((l) => / FAILS /.test(l)).length, 4);
    assert.equal(lines.filter((l) => / holds in every configuration /.test(l)).length, 11);
    assert.match(r.stdout, /^x86_64: 15 assertions: 11 hold in every configuration, 4 fail in some, 0 not decided; \d+ configurations analysed in .* from arch\/x86\/configs\/x86_64_defconfig; \d+ distinct layouts$/m);
    // stdout is the report only; stderr is progress only (not a terminal: a line when an arch starts and ends).
    assert.doesNotMatch(r.stdout, /exploring|memdesc-layout:/);
    const progress = r.stderr.trimEnd().split('\n');
    assert.equal(progress.length, 2, r.stderr);
    assert.match(progress[0], /^memdesc-layout: x86_64: exploring every configuration from arch\/x86\/configs\/x86_64_defconfig \(budget 60 s\)$/);
    assert.match(progress[1], /^memdesc-layout: x86_64: 15 assertions: /);
    assert.doesNotMatch(r.stderr, /\r|\x1b/, 'no terminal control sequences when stderr is not a terminal');
  });

  it('JSON: {arches, asserts: [{file, line, text, arch, symbols, holds, counterexample: {assignment, config, offsets, why}}]}, paths relative to the tree, .config valid', () => {
    const r = run(['--kernel', fixture, '--format', 'json', '--arch', 'all']);
    assert.equal(r.status, 1, r.stderr);
    const j = JSON.parse(r.stdout) as { arches: string[]; asserts: JsonAssert[]; problems: unknown[]; explored: Array<{ arch: string; complete: boolean }> };
    assert.deepEqual(j.arches, ['x86_64', 'i386']);
    assert.deepEqual(j.problems, []);
    assert.deepEqual(j.explored.map((e) => [e.arch, e.complete]), [['x86_64', true], ['i386', true]]);
    assert.equal(j.asserts.length, 30);
    for (const a of j.asserts) {
      for (const k of ['file', 'line', 'text', 'arch', 'symbols', 'holds'] as const) assert.ok(k in a, `${k} missing in ${JSON.stringify(a)}`);
      assert.ok(!path.isAbsolute(a.file) && !a.file.startsWith('..'), a.file);
      assert.ok(a.symbols.every((s) => s.startsWith('CONFIG_')), JSON.stringify(a.symbols));
      assert.equal(a.holds === false, !!a.counterexample, JSON.stringify(a));
    }
    const models = new Map(['x86_64', 'i386'].map((abi) => [abi, loadKconfig(new DiskKconfigHost(), { srctree: fixture, arch: abi })]));
    for (const [abi, offsets] of [['x86_64', [52, 56]], ['i386', [28, 32]]] as const) {
      const a = j.asserts.find((x) => x.arch === abi && x.file === MM && x.line === REFCOUNT_LINE);
      assert.ok(a, `${abi}: FOLIO_MATCH(_refcount, _refcount) missing`);
      assert.equal(a.text, 'FOLIO_MATCH(_refcount, _refcount)');
      assert.deepEqual(a.symbols, ['CONFIG_FOLIO_GUARD', 'CONFIG_PAGE_TRACE_OWNER']);
      const c = a.counterexample!;
      assert.deepEqual(Object.keys(c).filter((k) => ['assignment', 'config', 'offsets', 'why'].includes(k)).sort(), ['assignment', 'config', 'offsets', 'why']);
      assert.deepEqual(c.assignment, { CONFIG_FOLIO_GUARD: 'y', CONFIG_PAGE_TRACE_OWNER: 'y' });
      assert.deepEqual(c.offsets, offsets);
      assert.match(c.why, /'_guard_owner' appeared/);
      const check = checkConfig(models.get(abi)!, c.config);
      assert.ok(check.valid, `${abi}: the counterexample's .config is not a fixed point of olddefconfig: ${JSON.stringify(check.changed)}`);
      const v = configValues(c.config);
      assert.deepEqual(['FOLIO_GUARD', 'PAGE_TRACE_OWNER', 'PAGE_TRACE', 'STRICT_FOLIO', 'EXPERT'].map((n) => v.get(n)), ['y', 'y', 'y', 'y', 'y']);
      assert.equal(v.get('64BIT') ?? 'n', abi === 'x86_64' ? 'y' : 'n');
      // Both members, where they are, in the counterexample's layout.
      assert.deepEqual(
        c.members.map((m) => [m.struct, m.member, m.file, m.line, m.offset]),
        [
          ['page', '_refcount', MM, lineOf(FIXTURE_MM_TYPES_H, '\tatomic_t _refcount;'), offsets[0]],
          ['folio', '_refcount', MM, lineOf(FIXTURE_MM_TYPES_H.slice(FIXTURE_MM_TYPES_H.indexOf('struct folio {')), '\tatomic_t _refcount;') + lineOf(FIXTURE_MM_TYPES_H, 'struct folio {') - 1, offsets[1]],
        ],
      );
    }
    const holding = j.asserts.find((x) => x.arch === 'i386' && x.text === 'SLAB_MATCH(_refcount, __page_refcount)');
    assert.equal(holding?.holds, true);
    assert.deepEqual(holding?.symbols, ['CONFIG_SLUB_CPU_PARTIAL', 'CONFIG_SLUB_TINY_STATS']);
    assert.equal(holding?.counterexample, undefined);
    assert.equal(r.stderr.trimEnd().split('\n').length, 4, r.stderr);
  });

  it('SARIF 2.1.0: a config-counterexample result per failing assertion at its place, related locations at both members', () => {
    const r = run(['--kernel', fixture, '--format', 'sarif']);
    assert.equal(r.status, 1, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.version, '2.1.0');
    const results = s.runs[0].results as Array<{ ruleId: string; level: string; message: { text: string }; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }>; relatedLocations?: Array<{ message: { text: string }; physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }>; properties: { arch: string; assignment: Record<string, string> } }>;
    assert.deepEqual(results.map((x) => x.ruleId), ['config-counterexample', 'config-counterexample', 'config-counterexample', 'config-counterexample']);
    assert.ok(results.every((x) => x.level === 'warning'));
    const refcount = results.find((x) => x.locations[0].physicalLocation.artifactLocation.uri === MM && x.locations[0].physicalLocation.region.startLine === REFCOUNT_LINE);
    assert.ok(refcount, JSON.stringify(results.map((x) => x.locations)));
    assert.match(refcount.message.text, /^FOLIO_MATCH\(_refcount, _refcount\) fails on x86_64 under CONFIG_FOLIO_GUARD=y CONFIG_PAGE_TRACE_OWNER=y: /);
    assert.deepEqual(refcount.properties.assignment, { CONFIG_FOLIO_GUARD: 'y', CONFIG_PAGE_TRACE_OWNER: 'y' });
    assert.deepEqual(
      refcount.relatedLocations!.map((l) => [l.physicalLocation.artifactLocation.uri, l.message.text]),
      [
        [MM, 'page._refcount at offset 52 on x86_64 under CONFIG_FOLIO_GUARD=y CONFIG_PAGE_TRACE_OWNER=y'],
        [MM, 'folio._refcount at offset 56 on x86_64 under CONFIG_FOLIO_GUARD=y CONFIG_PAGE_TRACE_OWNER=y'],
      ],
    );
    assert.deepEqual(s.runs[0].tool.driver.rules.map((x: { id: string }) => x.id), ['config-counterexample']);
    assert.equal(s.runs[0].properties.complete, true);
  });

  it('exit 0 when every assertion holds in every configuration, on every arch of the tree', () => {
    const root = tree(consistentFixture());
    const r = run(['--kernel', root, '--arch', 'all']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^x86_64: 15 assertions: 15 hold in every configuration, 0 fail in some, 0 not decided;/m);
    assert.match(r.stdout, /^i386: 15 assertions: 15 hold in every configuration, 0 fail in some, 0 not decided;/m);
    const j = JSON.parse(run(['--kernel', root, '--format', 'json']).stdout) as { asserts: JsonAssert[] };
    assert.ok(j.asserts.length === 15 && j.asserts.every((a) => a.holds === true && !a.counterexample));
    const s = JSON.parse(run(['--kernel', root, '--format', 'sarif']).stdout);
    assert.deepEqual(s.runs[0].results, []);
  });

  it('a budget that ends first: every assertion not decided (never claimed to hold), what was covered said, exit 3', () => {
    const root = tree(consistentFixture());
    const r = run(['--kernel', root, '--budget', '0']);
    assert.equal(r.status, 3, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout, /holds in every configuration/);
    assert.match(r.stdout, /: x86_64: FOLIO_MATCH\(flags, flags\) not decided: the time budget ended after \d+ cases?$/m);
    assert.match(r.stdout, /^x86_64: 15 assertions: 0 hold in every configuration, 0 fail in some, 15 not decided; \d+ configurations analysed .*; the budget \(0\.0 s\) ended first: raise --budget to decide the rest$/m);
    const j = JSON.parse(run(['--kernel', root, '--budget', '0', '--format', 'json']).stdout) as { asserts: JsonAssert[]; explored: Array<{ complete: boolean }> };
    assert.ok(j.asserts.every((a) => a.holds === null && /time budget/.test(a.note ?? '')), JSON.stringify(j.asserts));
    assert.equal(j.explored[0].complete, false);
    const sr = run(['--kernel', root, '--budget', '0', '--format', 'sarif']);
    assert.equal(sr.status, 3);
    const s = JSON.parse(sr.stdout);
    assert.equal(s.runs[0].results.length, 15);
    assert.ok(s.runs[0].results.every((x: { ruleId: string; level: string }) => x.ruleId === 'config-undecided' && x.level === 'warning'));
    assert.equal(s.runs[0].properties.complete, false);
    // --fail-on never: only a counterexample fails the run.
    assert.equal(run(['--kernel', root, '--budget', '0', '--fail-on', 'never']).status, 0);
  });

  for (const [what, opts, place] of [
    ['a Kconfig syntax error', { kconfigSyntaxError: true }, new RegExp(`^mm/Kconfig\\.debug:${KCONFIG_DEBUG_BROKEN.badLine}:\\d+: error: syntax error, .* \\[kconfig-syntax\\]$`, 'm')],
    ['a missing sourced file', { missingSource: true }, /^Kconfig:6:1: error: can't open file "lib\/Kconfig\.missing" \[kconfig-source-not-found\]$/m],
    ['a select/depends cycle', { dependencyCycle: true }, /^mm\/Kconfig\.cycle:2: error: recursive dependency detected: CYC_A depends on CYC_B, CYC_B is selected by CYC_C, CYC_C depends on CYC_A \[kconfig-dependency-cycle\]$/m],
  ] as const) {
    it(`${what}: a diagnostic at its place (text, JSON, SARIF), and the rest is still explored`, () => {
      const root = tree(kernelFixture(opts));
      const r = run(['--kernel', root]);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stdout, place);
      // The same verdicts as on the sound tree.
      assert.match(r.stdout, /^x86_64: 15 assertions: 11 hold in every configuration, 4 fail in some, 0 not decided;/m);
      assert.ok(r.stdout.includes(`${MM}:${REFCOUNT_LINE}:1: x86_64: FOLIO_MATCH(_refcount, _refcount) FAILS under CONFIG_FOLIO_GUARD=y CONFIG_PAGE_TRACE_OWNER=y`), r.stdout);
      const j = JSON.parse(run(['--kernel', root, '--format', 'json']).stdout) as { problems: Array<{ file: string; line: number; severity: string; code: string; arches: string[] }>; asserts: JsonAssert[] };
      assert.equal(j.problems.length, 1, JSON.stringify(j.problems));
      const p = j.problems[0];
      assert.equal(p.severity, 'error');
      assert.deepEqual(p.arches, ['x86_64']);
      assert.ok(!path.isAbsolute(p.file) && p.file.length > 0, p.file);
      assert.equal(j.asserts.filter((a) => a.holds === false).length, 4);
      const s = JSON.parse(run(['--kernel', root, '--format', 'sarif']).stdout);
      const kr = s.runs[0].results.filter((x: { ruleId: string }) => x.ruleId === p.code);
      assert.equal(kr.length, 1);
      assert.deepEqual([kr[0].level, kr[0].locations[0].physicalLocation.artifactLocation.uri, kr[0].locations[0].physicalLocation.region.startLine], ['error', p.file, p.line]);
    });
  }

  it('a Kconfig error on a tree where everything holds: exit 1 (an error problem), 0 with --fail-on never', () => {
    const root = tree(consistentFixture({ missingSource: true }));
    const r = run(['--kernel', root]);
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stdout, /^x86_64: 15 assertions: 15 hold in every configuration/m);
    assert.equal(run(['--kernel', root, '--fail-on', 'never']).status, 0);
  });

  it('bad usage: exit 2 with a one-line reason', () => {
    const noKconfig = kernelFixture();
    delete noKconfig.Kconfig;
    const withoutKconfig = tree(noKconfig);
    for (const [args, reason] of [
      [[], /--all-configs needs --kernel/],
      [['--kernel', fixture, '--matrix'], /exclude each other/],
      [['--kernel', fixture, '-DCONFIG_MEMCG'], /-D\/-U set one configuration/],
      [['--kernel', fixture, '--budget', 'soon'], /--budget takes a number of seconds/],
      [['--kernel', path.join(fixture, 'mm')], /is not a kernel source tree/],
      [['--kernel', withoutKconfig], /has no top Kconfig file: --all-configs reads the tree's Kconfig/],
    ] as const) {
      const r = run([...args]);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, reason);
      assert.equal(r.stdout, '');
    }
  });
});
