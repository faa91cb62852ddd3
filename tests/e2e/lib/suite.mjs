// SPDX-License-Identifier: Apache-2.0
// What every test file needs, started together in before() and ended in after(): a sandbox, the
// app server and Chromium. stopSuite() fails the file when the sandbox died on its own or a
// sanitizer reported something.

import { startAppServer } from './appserver.mjs';
import { launchBrowser } from './browser.mjs';
import { startSandbox } from './sandbox.mjs';

export async function startSuite() {
    const started = await Promise.allSettled([startSandbox(), startAppServer(), launchBrowser()]);
    const [sandbox, apps, chromium] = started.map((outcome) => outcome.value);
    const suite = { sandbox, apps, chromium };
    const failed = started.find((outcome) => outcome.status === 'rejected');
    if (failed) {
        await stopSuite(suite).catch(() => {});
        throw failed.reason;
    }
    return suite;
}

export async function stopSuite({ sandbox, apps, chromium } = {}) {
    await Promise.allSettled([chromium?.close(), apps?.close()]);
    if (!sandbox)
        return;
    let unhealthy = null;
    try {
        sandbox.assertHealthy();
    } catch (error) {
        unhealthy = error;
    }
    await sandbox.stop();
    if (unhealthy)
        throw unhealthy;
}
