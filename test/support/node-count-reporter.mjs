// A node:test reporter that prints only the closing `N passed, N failed` line (the spec reporter,
// run beside it, prints the tests), so that .ci/run can add Node's tests to the browser's.
export default async function* countReporter(source) {
  let passed = 0;
  let failed = 0;
  for await (const event of source) {
    // Suites report too; count tests only (a test has no nested `details.type === 'suite'`).
    if (event.type === 'test:pass' && event.data.details?.type !== 'suite' && !event.data.skip) passed++;
    if (event.type === 'test:fail' && event.data.details?.type !== 'suite') failed++;
  }
  yield `${passed} passed, ${failed} failed\n`;
}
