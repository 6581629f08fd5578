// Reads vitest JSON reports and prints the one line CI recognises: "N passed, N failed, N skipped".
// A missing or empty report counts as a failure: a suite that could not run must never pass.
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
let broken = false;
for (const file of process.argv.slice(2)) {
  if (!existsSync(file)) {
    console.error(`${file}: no report — the suite did not run`);
    failed += 1;
    broken = true;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const total = report.numTotalTests ?? 0;
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // Files that failed to load (setup errors) have no tests but are failures.
  const failedSuites = (report.testResults ?? []).filter((r) => r.status === 'failed' && (r.assertionResults ?? []).length === 0).length;
  failed += failedSuites;
  if (total === 0 || report.success === false) broken = true;
  console.error(`${file}: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${failedSuites} file(s) failed to load`);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(broken || failed > 0 || skipped > 0 ? 1 : 0);
