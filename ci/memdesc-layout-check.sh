#!/bin/sh
# memdesc-layout in CI: check a kernel tree's layout assertions (the *_MATCH static_asserts of struct page and
# its memory descriptors) and write the results as SARIF for code scanning. Copy it into your repository.
#
# usage: memdesc-layout-check.sh [TREE] [SARIF-FILE]      (defaults: . and memdesc-layout.sarif)
# env:   MEMDESC_CHECK_ARGS  more options for `memdesc-layout check`, split into words: "--matrix",
#                            "--arch arm64", "--build ../build-x86", "--fail-on warning"
# exit:  0  every assertion holds (and nothing at the --fail-on level: errors by default)
#        1  an assertion fails, or a finding at the --fail-on level: gate the branch on this
#        2  the check could not run (memdesc-layout missing, not a kernel tree, bad options); no SARIF is left
# Prints each result as FILE:LINE:COL: LEVEL: MESSAGE [RULE], and under GitHub Actions also as an annotation.
# SARIF paths are relative to TREE (the repository root, for code scanning).
# Needs Node 20 or later and `memdesc-layout` on PATH: npm install -g memdesc-layout.
set -u
tree=${1:-.}
sarif=${2:-memdesc-layout.sarif}
rm -f "$sarif"

if ! command -v memdesc-layout >/dev/null 2>&1; then
  echo "memdesc-layout-check: memdesc-layout is not on PATH (npm install -g memdesc-layout)" >&2
  exit 2
fi
if [ ! -d "$tree" ]; then
  echo "memdesc-layout-check: $tree is not a directory" >&2
  exit 2
fi

# shellcheck disable=SC2086 # MEMDESC_CHECK_ARGS is a list of options
memdesc-layout check --kernel "$tree" --format sarif ${MEMDESC_CHECK_ARGS:-} > "$sarif.tmp"
status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
  rm -f "$sarif.tmp"
  echo "memdesc-layout-check: memdesc-layout check could not run (exit $status)" >&2
  exit 2
fi
mv "$sarif.tmp" "$sarif"

# The results, readable in the job's log (and as annotations on GitHub).
node -e '
const fs = require("fs");
const log = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const results = log.runs.flatMap((run) => run.results);
const esc = (s, prop) => { s = String(s).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A"); return prop ? s.replace(/:/g, "%3A").replace(/,/g, "%2C") : s; };
for (const r of results) {
  const at = r.locations[0].physicalLocation;
  const file = at.artifactLocation.uri, line = at.region.startLine, col = at.region.startColumn;
  console.log(`${file}:${line}:${col}: ${r.level}: ${r.message.text} [${r.ruleId}]`);
  if (process.env.GITHUB_ACTIONS === "true") {
    const kind = r.level === "error" ? "error" : r.level === "warning" ? "warning" : "notice";
    console.log(`::${kind} file=${esc(file, 1)},line=${line},col=${col},title=${esc("memdesc-layout " + r.ruleId, 1)}::${esc(r.message.text)}`);
  }
}
const errors = results.filter((r) => r.level === "error").length;
console.log(`memdesc-layout: ${results.length} result(s), ${errors} error(s); SARIF in ${process.argv[1]}`);
' "$sarif" || { echo "memdesc-layout-check: $sarif is not valid SARIF" >&2; exit 2; }
exit "$status"
