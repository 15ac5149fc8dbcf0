// Clears the previous run's results so the closing summary counts only this run.
require('node:fs').rmSync(require('node:path').join(__dirname, '..', 'test-output', 'results'), {
  recursive: true,
  force: true,
});
