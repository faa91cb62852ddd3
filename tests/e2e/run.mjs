// SPDX-License-Identifier: Apache-2.0
// Runs the end-to-end suite with Node's test runner (one test file at a time), after checking
// that `npm ci` has installed exactly the versions package.json pins. CTest runs this; so can
// a person: `node tests/e2e/run.mjs [node --test options]`, or `npm test` in tests/e2e.

import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 10)) {
    console.error(`e2e: Node.js ${process.versions.node} is too old; the suite needs 20.10 or later.`);
    process.exit(1);
}

const here = path.dirname(fileURLToPath(import.meta.url));
const manifest = JSON.parse(readFileSync(path.join(here, 'package.json'), 'utf8'));

const problems = [];
for (const [name, wanted] of Object.entries(manifest.dependencies)) {
    const installed = path.join(here, 'node_modules', name, 'package.json');
    if (!existsSync(installed)) {
        problems.push(`${name} is not installed`);
        continue;
    }
    const { version } = JSON.parse(readFileSync(installed, 'utf8'));
    if (version !== wanted)
        problems.push(`${name} is ${version}, package.json pins ${wanted}`);
}
if (problems.length > 0) {
    console.error(
        `e2e: tests/e2e/node_modules is missing or out of date (${problems.join('; ')}).\n` +
            'e2e: run scripts/install-deps.sh (it runs "npm ci" in tests/e2e), or "npm ci" in tests/e2e yourself.',
    );
    process.exit(1);
}

const files = readdirSync(here).filter((name) => name.endsWith('.test.mjs')).sort();
const child = spawn(
    process.execPath,
    ['--test', '--test-reporter=spec', '--test-concurrency=1', ...process.argv.slice(2), ...files],
    // Its own process group, so that a signal reaches the test files' processes too (they end
    // their sandbox and Chromium on SIGINT, SIGTERM and SIGHUP).
    { cwd: here, stdio: 'inherit', detached: true },
);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
        try {
            process.kill(-child.pid, signal);
        } catch {
            // the group is gone already
        }
    });
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
