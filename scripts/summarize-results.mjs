// Sums test counts from Vitest JSON reports and a Playwright JSON report: node summarize-results.mjs <file>...
// Prints one tab-separated line per file (label passed failed skipped) and a final "TOTAL passed failed skipped".
// A missing or unreadable file yields "missing" so the caller can flag the stage.
import { readFileSync } from 'node:fs';

const totals = { passed: 0, failed: 0, skipped: 0 };
for (const file of process.argv.slice(2)) {
  let report;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    console.log(`${file}\tmissing`);
    continue;
  }
  let counts;
  if (typeof report.numTotalTests === 'number') {
    // Vitest/Jest JSON: suites that failed to load count as failures too.
    counts = {
      passed: report.numPassedTests,
      failed: report.numFailedTests + (report.numFailedTestSuites ?? 0) - countFailedSuitesWithFailedTests(report),
      skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    };
  } else if (report.stats && typeof report.stats.expected === 'number') {
    // Playwright JSON: expected = passed, unexpected = failed, flaky passed on retry, plus setup errors.
    counts = {
      passed: report.stats.expected + (report.stats.flaky ?? 0),
      failed: report.stats.unexpected + (Array.isArray(report.errors) && report.errors.length > 0 && report.stats.unexpected === 0 ? 1 : 0),
      skipped: report.stats.skipped ?? 0,
    };
  } else {
    console.log(`${file}\tmissing`);
    continue;
  }
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.skipped += counts.skipped;
  console.log(`${file}\t${counts.passed}\t${counts.failed}\t${counts.skipped}`);
}
console.log(`TOTAL\t${totals.passed}\t${totals.failed}\t${totals.skipped}`);

/** Failed suites that also report failed tests are already counted through their tests. */
function countFailedSuitesWithFailedTests(report) {
  if (!Array.isArray(report.testResults)) return 0;
  return report.testResults.filter(
    (suite) => suite.status === 'failed' && (suite.assertionResults ?? []).some((t) => t.status === 'failed'),
  ).length;
}
