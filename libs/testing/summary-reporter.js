// Appends each jest run's pass/fail counts to $UMBRELLA_TEST_SUMMARY, so the test script can
// print one closing line for all tiers ("N passed, N failed").
const { appendFileSync } = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const file = process.env.UMBRELLA_TEST_SUMMARY;
    if (!file) return;
    const failedSuites = results.numRuntimeErrorTestSuites + results.testResults.filter((r) => r.testExecError).length;
    appendFileSync(file, `${results.numPassedTests} ${results.numFailedTests + failedSuites} ${results.numPendingTests}\n`);
  }
}

module.exports = SummaryReporter;
