// The last line of `npm test`: vitest's own numbers, from its JSON report, in a plain
// "N passed, N failed" form any CI log reader understands. Tests and test files are counted
// apart, as vitest counts them: a failing test also fails its describe block and its file, so
// adding those to the failed tests (as this line once did) counted one failure three times.

/** @param {Record<string, any>} report vitest's JSON report */
export function summarize(report) {
  const files = Array.isArray(report.testResults) ? report.testResults : [];
  const failedFiles = files.filter((f) => f.status === 'failed').length;
  const t = {
    passed: report.numPassedTests ?? 0,
    failed: report.numFailedTests ?? 0,
    skipped: report.numPendingTests ?? 0,
    todo: report.numTodoTests ?? 0,
    total: report.numTotalTests ?? 0,
  };
  const parts = [`${t.passed} passed`, `${t.failed} failed`];
  if (t.skipped) parts.push(`${t.skipped} skipped`);
  if (t.todo) parts.push(`${t.todo} todo`);
  let line = `${parts.join(', ')} (${t.total} tests)`;
  if (failedFiles) line += `; ${failedFiles} of ${files.length} test files failed`;
  return { line, tests: t, failedFiles, ok: t.failed === 0 && failedFiles === 0 };
}
