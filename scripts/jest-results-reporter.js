// Records every Jest run's counts in test-output/results/ so that `scripts/test-summary.js` can print
// one closing line for the whole workspace ("N passed, N failed"), whichever projects and engines ran.
const fs = require('node:fs');
const path = require('node:path');

const resultsDir = path.join(__dirname, '..', 'test-output', 'results');
const MATRIX_VARIANT = /\((?:[a-z]+, clients on )?(pacman \S+ as (?:root|the desktop user))\)/;

class ResultsReporter {
  constructor(globalConfig) {
    this.globalConfig = globalConfig;
  }

  onRunComplete(_contexts, results) {
    // Suites that run in a matrix name their variant in parentheses: "(pacman 7.0.0 as the desktop user)".
    const matrix = {};
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        const variant = MATRIX_VARIANT.exec(test.fullName)?.[1];
        if (!variant) continue;
        const counts = (matrix[variant] ??= { passed: 0, failed: 0 });
        if (test.status === 'passed') counts.passed++;
        else if (test.status === 'failed') counts.failed++;
      }
    }
    fs.mkdirSync(resultsDir, { recursive: true });
    const label = (process.env.TEST_RUN_LABEL || path.basename(this.globalConfig.rootDir)).replace(
      /[^\w.-]/g,
      '_',
    );
    const file = path.join(resultsDir, `${label}-${process.pid}-${Date.now()}.json`);
    fs.writeFileSync(
      file,
      JSON.stringify({
        label,
        passed: results.numPassedTests,
        failed: results.numFailedTests,
        skipped: results.numPendingTests + results.numTodoTests,
        suitesFailed: results.numFailedTestSuites + (results.numRuntimeErrorTestSuites ?? 0),
        total: results.numTotalTests,
        matrix,
      }),
    );
  }
}

module.exports = ResultsReporter;
