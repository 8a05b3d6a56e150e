// Prints the closing `N passed, N failed` line that .ci/run and people read. A test file that
// fails to load counts as one failure, so a broken import can never pass silently.
export function countReporter() {
  let passed = 0;
  let failed = 0;
  const walk = (suite) => {
    for (const test of suite.tests ?? []) {
      if (test.skipped) continue;
      if (test.passed) passed++;
      else failed++;
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  return {
    onTestRunFinished({ sessions }) {
      passed = 0;
      failed = 0;
      for (const session of sessions) {
        if (session.testResults) walk(session.testResults);
        if (
          session.errors?.length ||
          (!session.passed && !session.testResults?.tests?.length && !session.testResults?.suites?.length)
        ) {
          failed += Math.max(1, session.errors?.length ?? 0);
        }
      }
    },
    async reportTestFileResults() {},
    getTestProgress() {
      return [];
    },
    stop() {
      console.log(`\n${passed} passed, ${failed} failed`);
    },
  };
}
