// SPDX-License-Identifier: Apache-2.0
// Clicks through the sandbox's portal pages (sign-in, patient picker, consent) the way a person
// would, and waits for the app's callback page to settle. Every wait is on a URL or a selector.

/** Waits until the page shows the sandbox's page at `pathname`. */
export async function onPortalPage(page, sandbox, pathname) {
    try {
        await page.waitForURL((url) => url.origin === sandbox.base && url.pathname === pathname);
    } catch (error) {
        throw withContext(page, `expected the portal page ${pathname}`, error);
    }
}

/** The sign-in page comes pre-filled with daniel-adams / demo-password. */
export async function signIn(page, sandbox) {
    await onPortalPage(page, sandbox, '/oauth/login');
    await page.locator('#sign-in').click();
}

export async function pickPatient(page, sandbox, patientId) {
    await onPortalPage(page, sandbox, '/oauth/picker');
    await page.locator(`[data-patient-id="${patientId}"]`).click();
}

/** `decision` is "authorize" (approve) or "cancel" (deny). */
export async function consent(page, sandbox, decision) {
    await onPortalPage(page, sandbox, '/oauth/consent');
    await page.locator(`#${decision}`).click();
}

/** Waits for the callback page's #result[data-state]; returns {state, value}. */
export async function appResult(page) {
    const result = page.locator('#result[data-state]');
    try {
        await result.waitFor({ state: 'attached' });
    } catch (error) {
        throw withContext(page, 'the app page never showed a result', error);
    }
    return { state: await result.getAttribute('data-state'), value: await page.evaluate(() => window.RESULT) };
}

/** An Error that carries the page's URL, console and navigations, for a readable failure. */
export function withContext(page, what, cause) {
    const error = new Error(
        `${what}; the page is at ${page.url()}\n${cause ? cause.message + '\n' : ''}` +
            `--- browser log ---\n${(page.consoleLines || []).join('\n')}`,
    );
    error.cause = cause;
    return error;
}

/** The claims of a compact JWT (no verification: the libraries under test verify). */
export function jwtClaims(jwt) {
    const [, payload] = jwt.split('.');
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
}
