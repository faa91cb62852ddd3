// SPDX-License-Identifier: Apache-2.0
// The client apps under test, served from 127.0.0.1 on a free port by node:http:
//
//   /fhir-client.js              SMART's JavaScript client (fhirclient's browser build)
//   /app/NAME/standalone.html    calls FHIR.oauth2.authorize({clientId, scope, redirectUri, iss})
//   /app/NAME/launch.html        the launch_uri of an EHR launch: authorize() takes iss and launch
//                                from its own URL
//   /app/NAME/callback.html      the redirect_uri: FHIR.oauth2.ready(), then shows the outcome
//   /callback                    a bare redirect target for non-browser clients (openid-client)
//
// A test registers a client with the sandbox, then defines the app NAME with its client_id
// and scope. The callback page writes its outcome as JSON into #result and sets
// #result[data-state] to "done" or "error"; window.smartClient is the fhirclient Client.

import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const fhirClientBundle = path.join(path.dirname(require.resolve('fhirclient/package.json')), 'build',
                                   'fhir-client.js');

const PAGES = {
    standalone: `
        FHIR.oauth2.authorize({
            clientId: APP.clientId,
            scope: APP.scope,
            redirectUri: new URL('callback.html', location.href).href,
            iss: APP.iss,
            pkceMode: 'required',
        }).catch(showError);`,
    launch: `
        // iss and launch come from this page's URL (the EHR's launch_url).
        FHIR.oauth2.authorize({
            clientId: APP.clientId,
            scope: APP.scope,
            redirectUri: new URL('callback.html', location.href).href,
            pkceMode: 'required',
        }).catch(showError);`,
    callback: `
        window.LANDING = location.href;
        try {
            window.STATE_KEY = JSON.parse(sessionStorage.getItem('SMART_KEY'));
        } catch (error) {
            window.STATE_KEY = null;
        }
        FHIR.oauth2.ready().then((client) => {
            window.smartClient = client;
            show('done', {
                patient: client.patient.id,
                encounter: client.encounter.id,
                user: client.user.fhirUser,
                tokenResponse: client.state.tokenResponse,
            });
        }, showError);`,
};

function page(name, app) {
    // JSON inside <script>: "<" is escaped so that no value can close the element.
    const config = JSON.stringify(app).replace(/</g, '\\u003c');
    return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>e2e app: ${name}</title></head>
<body>
<h1>e2e app: ${name}</h1>
<pre id="result"></pre>
<script src="/fhir-client.js"></script>
<script>
    const APP = ${config};
    function show(state, value) {
        window.RESULT = value;
        const result = document.getElementById('result');
        result.textContent = JSON.stringify(value);
        result.dataset.state = state;
    }
    function showError(error) {
        show('error', { error: String((error && error.message) || error) });
    }
    ${PAGES[name]}
</script>
</body>
</html>
`;
}

export async function startAppServer() {
    const bundle = await readFile(fhirClientBundle);
    const apps = new Map();
    const server = createServer((request, response) => {
        const url = new URL(request.url, 'http://127.0.0.1');
        const send = (status, type, body) => {
            response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
            response.end(body);
        };
        if (request.method !== 'GET' && request.method !== 'HEAD')
            return send(405, 'text/plain; charset=utf-8', 'GET only\n');
        if (url.pathname === '/fhir-client.js')
            return send(200, 'text/javascript; charset=utf-8', bundle);
        if (url.pathname === '/callback')
            return send(200, 'text/plain; charset=utf-8', 'callback received\n');
        const match = /^\/app\/([\w-]+)\/(standalone|launch|callback)\.html$/.exec(url.pathname);
        if (match && apps.has(match[1]))
            return send(200, 'text/html; charset=utf-8', page(match[2], apps.get(match[1])));
        return send(404, 'text/plain; charset=utf-8', 'not found\n');
    });
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
    });
    const origin = `http://127.0.0.1:${server.address().port}`;
    return {
        origin,
        /** URLs of app NAME's pages, known before the client is registered. */
        urls(name) {
            return {
                standalone: `${origin}/app/${name}/standalone.html`,
                launch: `${origin}/app/${name}/launch.html`,
                callback: `${origin}/app/${name}/callback.html`,
            };
        },
        /** Serves app NAME with {clientId, scope, iss?}. */
        define(name, app) {
            apps.set(name, app);
            return this.urls(name);
        },
        async close() {
            server.closeAllConnections();
            await new Promise((resolve) => server.close(resolve));
        },
    };
}
