// Records every Jest run's counts in test-output/results/ so that `scripts/test-summary.js` can print
// one closing line for the whole workspace ("N passed, N failed"), whichever projects and engines ran.
const fs = require('node:fs');
const path = require('node:path');

const resultsDir = path.join(__dirname, '..', 'test-output', 'results');

class ResultsReporter {
  constructor(globalConfig) {
    this.globalConfig = globalConfig;
  }

  onRunComplete(_contexts, results) {
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
      }),
    );
  }
}

module.exports = ResultsReporter;
