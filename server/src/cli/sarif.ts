// The SARIF 2.1.0 log the CLI writes (check and check --all-configs): one run of memdesc-layout, its rules and results.
import { isProblemCode, PROBLEM_CODES } from '../engine';
import { VERSION } from '../version';

/** A SARIF level from one of our severities. */
export function sarifLevel(severity: 'error' | 'warning' | 'info'): 'error' | 'warning' | 'note' {
  return severity === 'info' ? 'note' : severity;
}

/** What rule `id` means: the problem registry's words, the same the README's table of codes gives. */
function describeRule(id: string): string {
  return isProblemCode(id) ? PROBLEM_CODES[id].meaning : id;
}

/** The log: the rules are the distinct ruleIds of the results, each described as the problem registry does. */
export function sarifLog<R extends { ruleId: string }>(opts: { helpUri: string; results: R[]; properties?: Record<string, unknown> }) {
  const ruleIds = [...new Set(opts.results.map((r) => r.ruleId))];
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: {
          driver: {
            name: 'memdesc-layout',
            version: VERSION,
            informationUri: opts.helpUri,
            rules: ruleIds.map((id) => ({ id, shortDescription: { text: describeRule(id) }, helpUri: opts.helpUri })),
          },
        },
        results: opts.results,
        ...(opts.properties ? { properties: opts.properties } : {}),
      },
    ],
  };
}
