// SPDX-License-Identifier: Apache-2.0
// Starts the smart-sandbox binary for one test file: a fresh in-memory database, a free port on
// loopback, and its own empty data and config folders. Resolves when the server prints its
// "listening on" line; stop() ends it (SIGTERM, then SIGKILL if it lingers).

import { spawn } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { constants as osConstants, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The repository's root folder (tests/e2e/lib/../../..). */
export const repoRoot = path.resolve(here, '..', '..', '..');

const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;
const KEPT_OUTPUT_CHARS = 64 * 1024;

/** The binary under test: $SMART_SANDBOX_BIN, else build/app/smart-sandbox in the repository. */
export function sandboxBinary() {
    return process.env.SMART_SANDBOX_BIN || path.join(repoRoot, 'build', 'app', 'smart-sandbox');
}

// Servers still running when this process ends (a test timed out, or a signal arrived) are killed.
// A signal ends the process: on 'exit', Playwright kills the browsers it launched.
const running = new Set();
function killRunning() {
    for (const child of running)
        child.kill('SIGKILL');
    running.clear();
}
process.on('exit', killRunning);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'])
    process.once(signal, () => process.exit(128 + osConstants.signals[signal]));

// Sanitizer reports that make a run fail even when every request was answered.
const SANITIZER_REPORT = /ERROR: (Address|Leak|Memory|Thread)Sanitizer|runtime error: /;

class Sandbox {
    constructor(child, home) {
        this.child = child;
        this.home = home;
        this.output = '';
        this.base = null;
        this.exited = null;
        running.add(child);
        this.exitPromise = new Promise((resolve) => {
            child.once('exit', (code, signal) => {
                running.delete(child);
                this.exited = { code, signal };
                resolve(this.exited);
            });
        });
    }

    /** The FHIR base URL, the SMART "iss". */
    get fhirBase() {
        return `${this.base}/api/fhir`;
    }

    /** What the server printed so far (stdout and stderr, the newest 64 KiB). */
    log() {
        return this.output;
    }

    keep(line) {
        this.output += line + '\n';
        if (this.output.length > KEPT_OUTPUT_CHARS)
            this.output = this.output.slice(-KEPT_OUTPUT_CHARS);
    }

    /** fetch() against the sandbox; `path` starts with "/". JSON bodies are sent as JSON. */
    async request(method, urlPath, { json, form, headers = {} } = {}) {
        const init = { method, headers: { ...headers }, redirect: 'manual', signal: AbortSignal.timeout(10_000) };
        if (json !== undefined) {
            init.headers['content-type'] = 'application/json';
            init.body = JSON.stringify(json);
        } else if (form !== undefined) {
            init.headers['content-type'] = 'application/x-www-form-urlencoded';
            init.body = new URLSearchParams(form).toString();
        }
        const response = await fetch(this.base + urlPath, init);
        const text = await response.text();
        let body = text;
        if ((response.headers.get('content-type') || '').includes('json') && text)
            body = JSON.parse(text);
        return { status: response.status, headers: response.headers, body };
    }

    /** RFC 7591 registration; returns the client information response (201 expected). */
    async registerClient(metadata) {
        const answer = await this.request('POST', '/oauth/register', { json: metadata });
        if (answer.status !== 201)
            throw new Error(`POST /oauth/register answered ${answer.status}: ${JSON.stringify(answer.body)}`);
        return answer.body;
    }

    /** POST /admin/launch: an EHR launch context; returns {launch, iss, launch_url, ...}. */
    async adminLaunch(launch) {
        const answer = await this.request('POST', '/admin/launch', { json: launch });
        if (answer.status !== 201)
            throw new Error(`POST /admin/launch answered ${answer.status}: ${JSON.stringify(answer.body)}`);
        return answer.body;
    }

    /** Throws when the server died on its own or a sanitizer reported something. */
    assertHealthy() {
        if (this.exited && !this.stopping)
            throw new Error(`smart-sandbox exited during the test (${JSON.stringify(this.exited)}):\n${this.output}`);
        if (SANITIZER_REPORT.test(this.output))
            throw new Error(`smart-sandbox reported a sanitizer error:\n${this.output}`);
    }

    /** Ends the server and removes its folders; resolves with how it exited. */
    async stop() {
        this.stopping = true;
        if (!this.exited) {
            this.child.kill('SIGTERM');
            let timer;
            const late = new Promise((resolve) => {
                timer = setTimeout(resolve, STOP_TIMEOUT_MS, 'late');
            });
            if ((await Promise.race([this.exitPromise, late])) === 'late') {
                this.keep(`[e2e] smart-sandbox did not stop within ${STOP_TIMEOUT_MS} ms of SIGTERM; killing it`);
                this.child.kill('SIGKILL');
                await this.exitPromise;
            }
            clearTimeout(timer);
        }
        await rm(this.home, { recursive: true, force: true });
        return this.exited;
    }
}

/**
 * Starts smart-sandbox --headless --db :memory: --port 0 and waits (event-driven, bounded) for
 * "listening on http://127.0.0.1:PORT".
 */
export async function startSandbox({ extraArgs = [] } = {}) {
    const binary = sandboxBinary();
    try {
        await access(binary, fsConstants.X_OK);
    } catch {
        throw new Error(
            `smart-sandbox is not at ${binary} (or is not executable): build it ` +
                '(cmake -S . -B build -G Ninja && ninja -C build) or set SMART_SANDBOX_BIN',
        );
    }
    const home = await mkdtemp(path.join(tmpdir(), 'smart-e2e-sandbox-'));
    const child = spawn(
        binary,
        ['--headless', '--db', ':memory:', '--port', '0', '--bind', '127.0.0.1', ...extraArgs],
        {
            stdio: ['ignore', 'pipe', 'pipe'],
            env: {
                ...process.env,
                HOME: home,
                XDG_DATA_HOME: path.join(home, 'data'),
                XDG_CONFIG_HOME: path.join(home, 'config'),
                XDG_CACHE_HOME: path.join(home, 'cache'),
                QT_QPA_PLATFORM: 'offscreen',
                LANG: 'C.UTF-8',
                TZ: 'UTC',
            },
        },
    );
    const sandbox = new Sandbox(child, home);

    const listening = new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
            reject(new Error(`smart-sandbox printed no "listening on" line within ${START_TIMEOUT_MS} ms`));
        }, START_TIMEOUT_MS);
        const done = (error, base) => {
            clearTimeout(timer);
            if (error)
                reject(error);
            else
                resolve(base);
        };
        createInterface({ input: child.stdout }).on('line', (line) => {
            sandbox.keep(line);
            const match = /listening on (http:\/\/127\.0\.0\.1:\d+)\s*$/.exec(line);
            if (match && !sandbox.base)
                done(null, match[1]);
        });
        createInterface({ input: child.stderr }).on('line', (line) => sandbox.keep(line));
        child.once('error', (error) => done(new Error(`cannot start ${binary}: ${error.message}`)));
        child.once('exit', (code, signal) => {
            done(new Error(`smart-sandbox exited before listening (code ${code}, signal ${signal})`));
        });
    });

    try {
        sandbox.base = await listening;
    } catch (error) {
        await sandbox.stop();
        error.message += `\n--- smart-sandbox output ---\n${sandbox.log()}`;
        throw error;
    }
    return sandbox;
}
