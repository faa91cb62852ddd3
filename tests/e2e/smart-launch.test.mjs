// SPDX-License-Identifier: Apache-2.0
// SMART App Launch end to end: SMART's own JavaScript client (fhirclient) runs in headless
// Chromium on a page of a little app server, and a person's clicks through the sandbox's portal
// are Playwright's. Standalone launch (with the patient picker), EHR launch (context from
// POST /admin/launch), a denied consent, and the token refresh.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { appResult, consent, jwtClaims, pickPatient, signIn, withContext } from './lib/portal.mjs';
import { startSuite, stopSuite } from './lib/suite.mjs';

// daniel-adams (the pre-filled user) is smart-1288992 and acts for smart-1032702 (Amy Shaw).
const USER = 'daniel-adams';
const SELF = 'smart-1288992';
const DELEGATE = 'smart-1032702';
const STANDALONE_SCOPE = 'launch/patient openid fhirUser offline_access patient/*.read';
const EHR_SCOPE = 'launch openid fhirUser patient/*.read';
const TEST_TIMEOUT_MS = 90_000;

describe('SMART App Launch with fhirclient in Chromium', () => {
    let sandbox;
    let apps;
    let chromium;

    before(async () => {
        ({ sandbox, apps, chromium } = await startSuite());
    });

    after(async () => {
        await stopSuite({ sandbox, apps, chromium });
    });

    // A public app (token_endpoint_auth_method none) whose pages are on the app server.
    async function registerApp(name, scope, { launch = false } = {}) {
        const urls = apps.urls(name);
        const client = await sandbox.registerClient({
            client_name: `e2e ${name}`,
            redirect_uris: [urls.callback],
            token_endpoint_auth_method: 'none',
            grant_types: ['authorization_code', 'refresh_token'],
            scope,
            ...(launch ? { launch_uri: urls.launch } : {}),
        });
        apps.define(name, { clientId: client.client_id, scope, iss: sandbox.fhirBase });
        return { client, urls };
    }

    // Runs `body(page)` in a fresh browser context; no request may leave 127.0.0.1.
    async function withPage(body) {
        const page = await chromium.newPage();
        try {
            await body(page);
            assert.deepEqual(page.offsite, [], 'the browser made requests off 127.0.0.1');
        } finally {
            await page.context().close();
        }
    }

    // Standalone launch through the picker and consent; returns the callback page's outcome.
    async function standaloneLaunch(page, urls, patientId) {
        await page.goto(urls.standalone);
        await signIn(page, sandbox);
        await pickPatient(page, sandbox, patientId);
        await consent(page, sandbox, 'authorize');
        const outcome = await appResult(page);
        if (outcome.state !== 'done')
            throw withContext(page, `fhirclient's ready() failed: ${JSON.stringify(outcome.value)}`);
        return outcome.value;
    }

    test('standalone launch: sign in, pick a patient, approve, then refresh', { timeout: TEST_TIMEOUT_MS },
         async () => {
             const { client, urls } = await registerApp('standalone', STANDALONE_SCOPE);
             await withPage(async (page) => {
                 const result = await standaloneLaunch(page, urls, DELEGATE);
                 const tokens = result.tokenResponse;

                 assert.equal(result.patient, DELEGATE, 'client.patient.id');
                 assert.equal(tokens.patient, DELEGATE);
                 assert.equal(tokens.token_type, 'Bearer');
                 assert.equal(typeof tokens.access_token, 'string');
                 assert.equal(typeof tokens.refresh_token, 'string', 'offline_access gives a refresh_token');
                 assert.equal(typeof tokens.id_token, 'string', 'openid gives an id_token');
                 assert.deepEqual(tokens.scope.split(' ').sort(), STANDALONE_SCOPE.split(' ').sort());
                 assert.equal(tokens.need_patient_banner, true, 'a standalone launch needs the patient banner');
                 assert.ok(tokens.expires_in > 0);

                 const claims = jwtClaims(tokens.id_token);
                 assert.equal(claims.iss, sandbox.base);
                 assert.equal(claims.aud, client.client_id);
                 assert.equal(claims.sub, USER);
                 assert.equal(claims.fhirUser, `${sandbox.fhirBase}/Patient/${SELF}`);
                 assert.equal(result.user, `Patient/${SELF}`, "client.user.fhirUser (fhirclient's relative form)");

                 // Refresh through fhirclient. The sandbox wants the public client's client_id in the
                 // body (see the next test), which fhirclient sends only with this setting.
                 const refreshed = await page.evaluate(async () => {
                     FHIR.oauth2.settings.refreshTokenWithClientId = true;
                     return (await window.smartClient.refresh()).tokenResponse;
                 });
                 assert.equal(typeof refreshed.access_token, 'string');
                 assert.notEqual(refreshed.access_token, tokens.access_token);
                 assert.equal(typeof refreshed.refresh_token, 'string');
                 assert.notEqual(refreshed.refresh_token, tokens.refresh_token, 'refresh tokens rotate');
                 assert.equal(refreshed.patient, DELEGATE);
             });
         });

    // SMART App Launch, "Refresh access token": the request has grant_type, refresh_token and an
    // optional scope; "for public apps, authentication is not possible (and thus not required)".
    // fhirclient therefore sends no client_id by default; the sandbox finds the (public) client
    // from the refresh token (RFC 6749 sections 3.2.1 and 6).
    test("standalone launch: fhirclient's default refresh() (a public client sends no client_id)",
         { timeout: TEST_TIMEOUT_MS },
         async () => {
             const { urls } = await registerApp('refresh', STANDALONE_SCOPE);
             await withPage(async (page) => {
                 const { tokenResponse: tokens } = await standaloneLaunch(page, urls, DELEGATE);
                 const refreshed = await page.evaluate(async () => (await window.smartClient.refresh()).tokenResponse);
                 assert.equal(typeof refreshed.access_token, 'string');
                 assert.notEqual(refreshed.access_token, tokens.access_token);
             });
         });

    test('EHR launch: launch context from the EHR, no picker, approve', { timeout: TEST_TIMEOUT_MS }, async () => {
        const { client } = await registerApp('ehr', EHR_SCOPE, { launch: true });
        const encounter = 'e2e-encounter-1';
        const launch = await sandbox.adminLaunch({
            client_id: client.client_id,
            username: USER,
            patient_id: SELF,
            encounter_id: encounter,
        });
        assert.equal(launch.iss, sandbox.fhirBase);
        const launchUrl = new URL(launch.launch_url);
        assert.equal(launchUrl.searchParams.get('iss'), sandbox.fhirBase);
        assert.equal(launchUrl.searchParams.get('launch'), launch.launch);

        await withPage(async (page) => {
            const visited = [];
            page.on('framenavigated', (frame) => {
                if (frame === page.mainFrame())
                    visited.push(new URL(frame.url()).pathname);
            });
            await page.goto(launch.launch_url);
            await signIn(page, sandbox);
            await consent(page, sandbox, 'authorize');
            const outcome = await appResult(page);
            assert.equal(outcome.state, 'done', JSON.stringify(outcome.value));
            assert.ok(!visited.includes('/oauth/picker'), `an EHR launch shows no picker; visited ${visited}`);

            const result = outcome.value;
            const tokens = result.tokenResponse;
            assert.equal(result.patient, SELF, 'client.patient.id');
            assert.equal(result.encounter, encounter, 'client.encounter.id');
            assert.equal(tokens.patient, SELF);
            assert.equal(tokens.encounter, encounter);
            assert.equal(tokens.need_patient_banner, false, 'the EHR shows the patient banner');
            assert.deepEqual(tokens.scope.split(' ').sort(), EHR_SCOPE.split(' ').sort());
            assert.equal(tokens.refresh_token, undefined, 'no offline_access or online_access, no refresh_token');
            assert.equal(jwtClaims(tokens.id_token).fhirUser, `${sandbox.fhirBase}/Patient/${SELF}`);
        });
    });

    test('denied consent: the app gets access_denied with its state', { timeout: TEST_TIMEOUT_MS }, async () => {
        const { urls } = await registerApp('denied', STANDALONE_SCOPE);
        await withPage(async (page) => {
            await page.goto(urls.standalone);
            await signIn(page, sandbox);
            await pickPatient(page, sandbox, DELEGATE);
            await consent(page, sandbox, 'cancel');
            const outcome = await appResult(page);
            assert.equal(outcome.state, 'error');
            assert.match(outcome.value.error, /^access_denied\b/, "fhirclient's ready() rejects with the error");

            const landing = new URL(await page.evaluate(() => window.LANDING));
            assert.equal(`${landing.origin}${landing.pathname}`, urls.callback);
            assert.equal(landing.searchParams.get('error'), 'access_denied');
            assert.equal(landing.searchParams.get('code'), null);
            const stateKey = await page.evaluate(() => window.STATE_KEY);
            assert.equal(typeof stateKey, 'string');
            assert.equal(landing.searchParams.get('state'), stateKey, 'the state the app sent comes back');
        });
    });

    test('the app reads its patient through the FHIR API',
         { timeout: TEST_TIMEOUT_MS }, async () => {
             const { urls } = await registerApp('reader', STANDALONE_SCOPE);
             await withPage(async (page) => {
                 await standaloneLaunch(page, urls, DELEGATE);
                 // GET /api/fhir/Patient/smart-1032702 with the access token, from the browser (CORS).
                 const patient = await page.evaluate(() => window.smartClient.patient.read());
                 assert.equal(patient.resourceType, 'Patient');
                 assert.equal(patient.id, DELEGATE);
                 assert.equal(patient.name[0].family, 'Shaw');
                 // A search through the client: only the chosen patient's vital signs come back.
                 const bundle = await page.evaluate(() => window.smartClient.request(
                     `Observation?patient=${window.smartClient.patient.id}&category=vital-signs&_count=5`));
                 assert.equal(bundle.resourceType, 'Bundle');
                 assert.ok(bundle.total > 0, 'Amy Shaw has vital signs in the sample data');
                 assert.equal(bundle.entry.length, Math.min(5, bundle.total));
                 for (const entry of bundle.entry)
                     assert.equal(entry.resource.subject.reference, `Patient/${DELEGATE}`);
                 // Another patient's records are not there for this token.
                 const other = await page.evaluate(() => window.smartClient.request('Observation?patient=smart-1081332'));
                 assert.equal(other.total, 0);
             });
         });
});
