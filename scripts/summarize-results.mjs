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
    // Vitest/Jest JSON: test files that failed without a failed test (failed to load, hook errors) count as one failure
    // each. (numFailedTestSuites is not used: Vitest counts failed describe blocks in it too.)
    counts = {
      passed: report.numPassedTests,
      failed: report.numFailedTests + countFailedFilesWithoutFailedTests(report),
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

/** Files that failed although none of their tests did (those with failed tests are counted through the tests). */
function countFailedFilesWithoutFailedTests(report) {
  if (!Array.isArray(report.testResults)) return report.numFailedTestSuites ?? 0;
  return report.testResults.filter(
    (file) => file.status === 'failed' && !(file.assertionResults ?? []).some((t) => t.status === 'failed'),
  ).length;
}
