// SPDX-License-Identifier: Apache-2.0
// OpenID Connect and OAuth end to end with openid-client v6 (on oauth4webapi), a certified
// relying-party library that validates what it receives: discovery against the issuer, the
// authorization code flow with PKCE, state and nonce (the person's clicks are Playwright's in
// headless Chromium), the ID token, refresh, introspection, revocation, and a SMART Backend
// Services client_credentials grant authenticated with private_key_jwt.

import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import * as client from 'openid-client';

import { consent, signIn, withContext } from './lib/portal.mjs';
import { startSuite, stopSuite } from './lib/suite.mjs';

const USER = 'daniel-adams';
const SELF = 'smart-1288992';
const TEST_TIMEOUT_MS = 90_000;
const insecure = { execute: [client.allowInsecureRequests] }; // the sandbox is plain http on loopback

describe('OpenID Connect and OAuth with openid-client', () => {
    let sandbox;
    let apps;
    let chromium;

    before(async () => {
        ({ sandbox, apps, chromium } = await startSuite());
    });

    after(async () => {
        await stopSuite({ sandbox, apps, chromium });
    });

    // Opens the authorization URL in a fresh browser context, signs in, approves, and returns the
    // URL the sandbox redirected to (the callback on the app server).
    async function authorizeInBrowser(authorizationUrl, callback) {
        const page = await chromium.newPage();
        try {
            await page.goto(authorizationUrl.href);
            await signIn(page, sandbox);
            await consent(page, sandbox, 'authorize');
            try {
                await page.waitForURL((url) => url.href.startsWith(`${callback}?`));
            } catch (error) {
                throw withContext(page, 'the sandbox did not redirect to the callback', error);
            }
            assert.deepEqual(page.offsite, [], 'the browser made requests off 127.0.0.1');
            return new URL(page.url());
        } finally {
            await page.context().close();
        }
    }

    test('discovery, authorization code with PKCE, ID token, refresh, introspection, revocation',
         { timeout: TEST_TIMEOUT_MS }, async () => {
             const callback = `${apps.origin}/callback`;
             const scope = 'openid fhirUser offline_access';
             const registered = await sandbox.registerClient({
                 client_name: 'e2e openid-client',
                 redirect_uris: [callback],
                 token_endpoint_auth_method: 'client_secret_basic',
                 grant_types: ['authorization_code', 'refresh_token'],
                 scope,
             });

             // Discovery: /.well-known/openid-configuration, its issuer checked against ours.
             const config = await client.discovery(new URL(sandbox.base), registered.client_id,
                                                   { client_secret: registered.client_secret },
                                                   client.ClientSecretBasic(registered.client_secret), insecure);
             const server = config.serverMetadata();
             assert.equal(server.issuer, sandbox.base);
             assert.ok(server.supportsPKCE(), 'code_challenge_methods_supported has S256');

             const codeVerifier = client.randomPKCECodeVerifier();
             const state = client.randomState();
             const nonce = client.randomNonce();
             const authorizationUrl = client.buildAuthorizationUrl(config, {
                 redirect_uri: callback,
                 scope,
                 code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
                 code_challenge_method: 'S256',
                 state,
                 nonce,
                 aud: sandbox.fhirBase, // SMART requires aud, the FHIR base URL
             });
             const returned = await authorizeInBrowser(authorizationUrl, callback);

             // The library checks state, exchanges the code with the verifier, and validates the
             // ID token: signature (jwks_uri, RS256), iss, aud, exp, iat, nonce.
             const tokens = await client.authorizationCodeGrant(config, returned, {
                 pkceCodeVerifier: codeVerifier,
                 expectedState: state,
                 expectedNonce: nonce,
                 idTokenExpected: true,
             });
             assert.equal(tokens.token_type, 'bearer');
             assert.equal(typeof tokens.access_token, 'string');
             assert.equal(typeof tokens.refresh_token, 'string');
             assert.ok(tokens.expiresIn() > 0);
             const claims = tokens.claims();
             assert.equal(claims.iss, sandbox.base);
             assert.equal(claims.aud, registered.client_id);
             assert.equal(claims.sub, USER);
             assert.equal(claims.nonce, nonce);
             assert.equal(claims.fhirUser, `${sandbox.fhirBase}/Patient/${SELF}`);

             // Refresh: a new access token and a rotated refresh token; the new ID token validates too.
             const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
             assert.notEqual(refreshed.access_token, tokens.access_token);
             assert.equal(typeof refreshed.refresh_token, 'string');
             assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
             assert.equal(refreshed.claims()?.sub, USER);

             // Introspection (RFC 7662) of the live access token.
             const active = await client.tokenIntrospection(config, refreshed.access_token);
             assert.equal(active.active, true);
             assert.equal(active.client_id, registered.client_id);
             assert.equal(active.sub, USER);
             assert.equal(active.fhirUser, `${sandbox.fhirBase}/Patient/${SELF}`);
             assert.deepEqual(active.scope.split(' ').sort(), scope.split(' ').sort());
             assert.ok(active.exp > Date.now() / 1000);

             // Revocation (RFC 7009) of the access token: introspection then says inactive.
             await client.tokenRevocation(config, refreshed.access_token);
             const revoked = await client.tokenIntrospection(config, refreshed.access_token);
             assert.deepEqual(revoked, { active: false });

             // Revoking the refresh token ends the grant: refreshing with it fails with invalid_grant.
             await client.tokenRevocation(config, refreshed.refresh_token);
             assert.equal((await client.tokenIntrospection(config, refreshed.refresh_token)).active, false);
             await assert.rejects(client.refreshTokenGrant(config, refreshed.refresh_token), (error) => {
                 assert.ok(error instanceof client.ResponseBodyError, `${error}`);
                 assert.equal(error.error, 'invalid_grant');
                 return true;
             });
         });

    // SMART Backend Services: an ES384 key made with WebCrypto, its public JWK registered.
    async function registerBackendService(scope) {
        const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true,
                                                        ['sign', 'verify']);
        const { kty, crv, x, y } = await webcrypto.subtle.exportKey('jwk', keys.publicKey);
        const kid = `e2e-${webcrypto.randomUUID()}`;
        const registered = await sandbox.registerClient({
            client_name: 'e2e backend service',
            grant_types: ['client_credentials'],
            token_endpoint_auth_method: 'private_key_jwt',
            jwks: { keys: [{ kty, crv, x, y, kid, alg: 'ES384', use: 'sig' }] },
            scope,
        });
        return { registered, privateKey: { key: keys.privateKey, kid } };
    }

    test('backend services: client_credentials with private_key_jwt (aud = token endpoint)',
         { timeout: TEST_TIMEOUT_MS }, async () => {
             const scope = 'system/Patient.rs';
             const { registered, privateKey } = await registerBackendService(scope);
             assert.equal(registered.client_secret, undefined, 'a private_key_jwt client gets no secret');

             // SMART Backend Services: the assertion's aud is the token endpoint's URL.
             const tokenEndpoint = `${sandbox.base}/oauth/token`;
             const auth = client.PrivateKeyJwt(privateKey, {
                 [client.modifyAssertion]: (header, payload) => {
                     assert.equal(header.alg, 'ES384');
                     payload.aud = tokenEndpoint;
                 },
             });
             const config = await client.discovery(new URL(sandbox.base), registered.client_id, {}, auth, insecure);
             assert.equal(config.serverMetadata().token_endpoint, tokenEndpoint);

             const tokens = await client.clientCredentialsGrant(config, { scope });
             assert.equal(tokens.token_type, 'bearer');
             assert.equal(typeof tokens.access_token, 'string');
             assert.equal(tokens.scope, scope);
             assert.ok(tokens.expires_in > 0 && tokens.expires_in <= 300, `expires_in ${tokens.expires_in} <= 300`);
             assert.equal(tokens.refresh_token, undefined);
             assert.equal(tokens.id_token, undefined);

             // Every assertion is single-use (jti), so a second grant with a new assertion works too.
             const again = await client.clientCredentialsGrant(config, { scope });
             assert.notEqual(again.access_token, tokens.access_token);
         });

    // openid-client (oauth4webapi) puts the issuer identifier in the assertion's aud, as
    // draft-ietf-oauth-rfc7523bis specifies (and RFC 9126 section 2 has the server accept the
    // issuer, the token endpoint URL and the PAR endpoint URL); SMART Backend Services says the
    // token endpoint. The sandbox accepts both.
    test('backend services: private_key_jwt with the library default (aud = issuer)',
         { timeout: TEST_TIMEOUT_MS },
         async () => {
             const scope = 'system/Patient.rs';
             const { registered, privateKey } = await registerBackendService(scope);
             const config = await client.discovery(new URL(sandbox.base), registered.client_id, {},
                                                   client.PrivateKeyJwt(privateKey), insecure);
             let tokens;
             try {
                 tokens = await client.clientCredentialsGrant(config, { scope });
             } catch (error) {
                 if (error.response) // the library read the WWW-Authenticate challenge, not the body
                     error.message += ` (HTTP ${error.response.status}: ${await error.response.text()})`;
                 throw error;
             }
             assert.equal(tokens.scope, scope);
         });
});
