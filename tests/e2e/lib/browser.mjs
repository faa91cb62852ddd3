// SPDX-License-Identifier: Apache-2.0
// Headless Chromium (Debian's, or $CHROMIUM) through playwright-core. Each test gets a new
// browser context: no cookies, no storage. Playwright starts Chromium with a fresh temporary
// --user-data-dir of its own and deletes it on close. Every request the pages make is recorded,
// so that a test can assert that nothing left 127.0.0.1.

import { chromium } from 'playwright-core';

const CHROMIUM_ARGS = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    // Belt and braces: every host but 127.0.0.1 fails to resolve.
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

const ACTION_TIMEOUT_MS = 15_000;

export async function launchBrowser() {
    const browser = await chromium.launch({
        executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
        headless: true,
        args: CHROMIUM_ARGS,
        timeout: 30_000,
    });
    return {
        browser,
        /** A new context and page; `page.offsite` lists every request that was not to 127.0.0.1. */
        async newPage() {
            const context = await browser.newContext();
            context.setDefaultTimeout(ACTION_TIMEOUT_MS);
            context.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS);
            const page = await context.newPage();
            page.offsite = [];
            page.consoleLines = [];
            context.on('request', (request) => {
                const url = new URL(request.url());
                if ((url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'ws:')
                    && url.hostname !== '127.0.0.1')
                    page.offsite.push(request.url());
            });
            page.on('console', (message) => page.consoleLines.push(`[console.${message.type()}] ${message.text()}`));
            page.on('pageerror', (error) => page.consoleLines.push(`[pageerror] ${error.message}`));
            page.on('framenavigated', (frame) => {
                if (frame === page.mainFrame())
                    page.consoleLines.push(`[navigated] ${frame.url()}`);
            });
            return page;
        },
        async close() {
            await browser.close();
        },
    };
}
