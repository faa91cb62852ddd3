<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>ClientDialog</name>
    <message>
        <location filename="../ui/clientdialog.cpp" line="59"/>
        <source>Register client</source>
        <translation>Client registrieren</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="72"/>
        <source>Edit client %1</source>
        <translation>Client %1 bearbeiten</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="91"/>
        <source>My SMART app</source>
        <translation>Meine SMART-App</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="91"/>
        <source>client_name: what the consent page shows</source>
        <translation>client_name: was die Freigabeseite anzeigt</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="98"/>
        <source>redirect_uris: where the sandbox may send the browser back; double-click to edit</source>
        <translation>redirect_uris: wohin die Sandbox den Browser zurückschicken darf; Doppelklick zum Bearbeiten</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="102"/>
        <source>http://localhost:3000/callback, then Enter</source>
        <translation>http://localhost:3000/callback, dann Eingabe</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="106"/>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="107"/>
        <source>Add the URI to the list</source>
        <translation>Die URI zur Liste hinzufügen</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="110"/>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="111"/>
        <source>Remove the selected URI (Delete)</source>
        <translation>Die ausgewählte URI entfernen (Entf)</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="137"/>
        <source>token_endpoint_auth_method: how the app proves who it is at the token endpoint</source>
        <translation>token_endpoint_auth_method: wie die App am Token-Endpunkt nachweist, wer sie ist</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="138"/>
        <source>none (public app: browser or phone, PKCE only)</source>
        <translation>none (öffentliche App: Browser oder Smartphone, nur PKCE)</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="139"/>
        <source>client_secret_basic (confidential: secret in the Authorization header)</source>
        <translation>client_secret_basic (vertraulich: Secret im Authorization-Header)</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="141"/>
        <source>client_secret_post (confidential: secret in the form)</source>
        <translation>client_secret_post (vertraulich: Secret im Formular)</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="142"/>
        <source>private_key_jwt (asymmetric: a signed assertion, SMART&apos;s preferred way)</source>
        <translation>private_key_jwt (asymmetrisch: eine signierte Assertion, der von SMART bevorzugte Weg)</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="154"/>
        <source>A person signs in and approves</source>
        <translation>Eine Person meldet sich an und gibt frei</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="155"/>
        <source>The app may refresh its tokens</source>
        <translation>Die App darf ihre Tokens erneuern</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="157"/>
        <source>A backend service without a person (SMART Backend Services)</source>
        <translation>Ein Backend-Dienst ohne Person (SMART Backend Services)</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="158"/>
        <source>response_types: SMART uses &quot;code&quot;</source>
        <translation>response_types: SMART verwendet „code“</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="166"/>
        <source>launch openid fhirUser patient/*.rs</source>
        <translation>launch openid fhirUser patient/*.rs</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="167"/>
        <source>scope: the most the app may ask for, space-separated; empty: the sandbox default</source>
        <translation>scope: das Meiste, was die App anfordern darf, durch Leerzeichen getrennt; leer: der Standard der Sandbox</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="170"/>
        <source>Add scope</source>
        <translation>Scope hinzufügen</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="171"/>
        <source>Add a common SMART scope</source>
        <translation>Einen gängigen SMART-Scope hinzufügen</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="175"/>
        <source>EHR launch context</source>
        <translation>Startkontext aus dem EHR</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="176"/>
        <source>standalone launch: pick a patient</source>
        <translation>Standalone-Start: einen Patienten wählen</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="177"/>
        <source>standalone launch: an encounter</source>
        <translation>Standalone-Start: ein Besuch (Encounter)</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="178"/>
        <source>who signed in (id_token)</source>
        <translation>wer sich angemeldet hat (id_token)</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="179"/>
        <source>refresh tokens that outlive the session</source>
        <translation>Refresh-Tokens, die die Sitzung überdauern</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="180"/>
        <source>refresh tokens while the session lasts</source>
        <translation>Refresh-Tokens, solange die Sitzung besteht</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="181"/>
        <source>read and search the patient&apos;s data (SMART v2)</source>
        <translation>die Daten des Patienten lesen und durchsuchen (SMART v2)</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="182"/>
        <source>read the patient&apos;s data (SMART v1)</source>
        <translation>die Daten des Patienten lesen (SMART v1)</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="183"/>
        <source>read and search what the user may see</source>
        <translation>lesen und durchsuchen, was der Benutzer sehen darf</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="184"/>
        <source>backend services: read and search everything</source>
        <translation>Backend-Dienste: alles lesen und durchsuchen</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="187"/>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="196"/>
        <source>http://localhost:3000/launch</source>
        <translation>http://localhost:3000/launch</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="197"/>
        <source>launch_uri (sandbox extension): the app&apos;s EHR launch URL, opened by Sandbox ▸ EHR launch with iss and launch</source>
        <translation>launch_uri (Sandbox-Erweiterung): die EHR-Start-URL der App, die Sandbox ▸ EHR-Start mit iss und launch öffnet</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="199"/>
        <source>https://app.example.org/.well-known/jwks.json</source>
        <translation>https://app.example.org/.well-known/jwks.json</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="200"/>
        <source>jwks_uri: where the sandbox fetches the app&apos;s public keys</source>
        <translation>jwks_uri: wo die Sandbox die öffentlichen Schlüssel der App abruft</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="203"/>
        <source>or paste the JWK Set: {&quot;keys&quot;: [ … ]}</source>
        <translation>oder das JWK Set einfügen: {&quot;keys&quot;: [ … ]}</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="204"/>
        <source>jwks: the app&apos;s public keys, instead of jwks_uri</source>
        <translation>jwks: die öffentlichen Schlüssel der App, statt jwks_uri</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="209"/>
        <source>dev@example.org, ops@example.org</source>
        <translation>dev@example.org, ops@example.org</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="210"/>
        <source>contacts: e-mail addresses, separated by commas</source>
        <translation>contacts: E-Mail-Adressen, durch Kommas getrennt</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="211"/>
        <source>https://app.example.org/logo.png</source>
        <translation>https://app.example.org/logo.png</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="211"/>
        <source>logo_uri</source>
        <translation>logo_uri</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="213"/>
        <source>https://app.example.org/</source>
        <translation>https://app.example.org/</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="213"/>
        <source>client_uri: the app&apos;s home page</source>
        <translation>client_uri: die Homepage der App</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="214"/>
        <source>software_id: the same for every install</source>
        <translation>software_id: für jede Installation gleich</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="215"/>
        <source>software_version</source>
        <translation>software_version</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="218"/>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="219"/>
        <source>&amp;Redirect URIs:</source>
        <translation>&amp;Redirect-URIs:</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="222"/>
        <source>&amp;Authentication:</source>
        <translation>&amp;Authentifizierung:</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="223"/>
        <source>&amp;Grant types:</source>
        <translation>&amp;Grant-Typen:</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="226"/>
        <source>Response types:</source>
        <translation>Response-Typen:</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="227"/>
        <source>&amp;Scope:</source>
        <translation>&amp;Scope:</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="230"/>
        <source>&amp;Launch URL:</source>
        <translation>Start-&amp;URL:</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="231"/>
        <source>&amp;JWKS URL:</source>
        <translation>&amp;JWKS-URL:</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="232"/>
        <source>JW&amp;KS:</source>
        <translation>JW&amp;KS:</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="236"/>
        <source>About the app (optional)</source>
        <translation>Über die App (optional)</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="238"/>
        <source>Con&amp;tacts:</source>
        <translation>K&amp;ontakte:</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="239"/>
        <source>L&amp;ogo URL:</source>
        <translation>&amp;Logo-URL:</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="240"/>
        <source>&amp;Home page:</source>
        <translation>&amp;Homepage:</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="241"/>
        <source>Software &amp;ID:</source>
        <translation>Software-&amp;ID:</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="242"/>
        <source>Software &amp;version:</source>
        <translation>Software&amp;version:</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="253"/>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="253"/>
        <source>Register</source>
        <translation>Registrieren</translation>
    </message>
</context>
<context>
    <name>ClientModel</name>
    <message>
        <location filename="../ui/clientmodel.cpp" line="93"/>
        <source>public</source>
        <translation>öffentlich</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="94"/>
        <source>confidential</source>
        <translation>vertraulich</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="95"/>
        <source>asymmetric</source>
        <translation>asymmetrisch</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="96"/>
        <source>backend</source>
        <translation>Backend</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="127"/>
        <source>token_endpoint_auth_method: %1</source>
        <translation>token_endpoint_auth_method: %1</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="130"/>
        <source>Access tokens are JWTs signed by the sandbox (RFC 9068)</source>
        <translation>Access-Tokens sind von der Sandbox signierte JWTs (RFC 9068)</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="131"/>
        <source>Access tokens are random strings</source>
        <translation>Access-Tokens sind zufällige Zeichenketten</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="140"/>
        <source>JWT</source>
        <translation>JWT</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="140"/>
        <source>opaque</source>
        <translation>opak</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="155"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="156"/>
        <source>Client ID</source>
        <translation>Client-ID</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="157"/>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="158"/>
        <source>Access tokens</source>
        <translation>Access-Tokens</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="159"/>
        <source>Redirect URIs</source>
        <translation>Redirect-URIs</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="160"/>
        <source>Scope</source>
        <translation>Scope</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="161"/>
        <source>Registered</source>
        <translation>Registriert</translation>
    </message>
</context>
<context>
    <name>ClientNames</name>
    <message>
        <location filename="../ui/clientnames.cpp" line="48"/>
        <source>client_id: %1</source>
        <translation>client_id: %1</translation>
    </message>
    <message>
        <location filename="../ui/clientnames.cpp" line="49"/>
        <source>%1
client_id: %2</source>
        <translation>%1
client_id: %2</translation>
    </message>
</context>
<context>
    <name>ClientsPage</name>
    <message>
        <location filename="../ui/clientspage.cpp" line="39"/>
        <source>Register…</source>
        <translation>Registrieren…</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="40"/>
        <source>Register a new client, as POST /oauth/register does (Ctrl+N)</source>
        <translation>Einen neuen Client registrieren, wie es POST /oauth/register tut (Strg+N)</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="43"/>
        <location filename="../ui/clientspage.cpp" line="111"/>
        <source>Edit…</source>
        <translation>Bearbeiten…</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="43"/>
        <source>Change the client&apos;s registration (F2)</source>
        <translation>Die Registrierung des Clients ändern (F2)</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="45"/>
        <location filename="../ui/clientspage.cpp" line="109"/>
        <source>Copy ID</source>
        <translation>ID kopieren</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="45"/>
        <source>Copy the client_id (Ctrl+C)</source>
        <translation>Die client_id kopieren (Strg+C)</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="47"/>
        <source>Copy secret</source>
        <translation>Secret kopieren</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="47"/>
        <source>Copy the client_secret</source>
        <translation>Das client_secret kopieren</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="48"/>
        <source>Registration JSON</source>
        <translation>Registrierungs-JSON</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="49"/>
        <source>Show the client information response (RFC 7591)</source>
        <translation>Die Client-Information-Antwort anzeigen (RFC 7591)</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="51"/>
        <location filename="../ui/clientspage.cpp" line="110"/>
        <source>Delete…</source>
        <translation>Löschen…</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="51"/>
        <source>Delete the client (Delete)</source>
        <translation>Den Client löschen (Entf)</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="53"/>
        <location filename="../ui/clientspage.cpp" line="222"/>
        <source>Launch errors</source>
        <translation>Startfehler</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="54"/>
        <source>Make this app&apos;s next launch fail the way a SMART app must handle (once)</source>
        <translation>Den nächsten Start dieser App so fehlschlagen lassen, wie eine SMART-App es behandeln muss (einmalig)</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="61"/>
        <source>Filter by name, client ID, type, redirect URI or scope (Ctrl+F)</source>
        <translation>Nach Name, Client-ID, Typ, Redirect-URI oder Scope filtern (Strg+F)</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="117"/>
        <location filename="../ui/clientspage.cpp" line="200"/>
        <source>Clients</source>
        <translation>Clients</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="133"/>
        <source>No clients. Press Register… (Ctrl+N), or let an app register itself with POST %1.</source>
        <translation>Keine Clients. Klicken Sie auf „Registrieren…“ (Strg+N) oder lassen Sie eine App sich selbst mit POST %1 registrieren.</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="195"/>
        <source>Delete client</source>
        <translation>Client löschen</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="196"/>
        <source>Delete the client &quot;%1&quot; (%2)? Apps using its client_id can no longer sign in.</source>
        <translation>Den Client „%1“ (%2) löschen? Apps mit dieser client_id können sich dann nicht mehr anmelden.</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="197"/>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="209"/>
        <source>Registration of %1</source>
        <translation>Registrierung von %1</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="225"/>
        <source>Launch error %1 armed for &quot;%2&quot; (rule %3): %4</source>
        <translation>Startfehler %1 für „%2“ aktiviert (Regel %3): %4</translation>
    </message>
</context>
<context>
    <name>CommandLine</name>
    <message>
        <location filename="../app/commandline.cpp" line="26"/>
        <source>SMART Sandbox: a local SMART on FHIR authorization server and FHIR R4 endpoints for testing client apps.</source>
        <translation>SMART Sandbox: ein lokaler SMART-on-FHIR-Autorisierungsserver mit FHIR-R4-Endpunkten zum Testen von Client-Apps.</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="29"/>
        <source>Show this help.</source>
        <translation>Diese Hilfe anzeigen.</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="31"/>
        <source>Show the version.</source>
        <translation>Die Version anzeigen.</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="33"/>
        <source>Run the server without windows.</source>
        <translation>Den Server ohne Fenster ausführen.</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="35"/>
        <source>Port to listen on (default 9000; 0 picks a free one).</source>
        <translation>Port, auf dem gelauscht wird (Standard 9000; 0 wählt einen freien).</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="40"/>
        <source>Address to listen on (default 127.0.0.1).</source>
        <translation>Adresse, auf der gelauscht wird (Standard 127.0.0.1).</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="46"/>
        <source>Database: a SQLite file, :memory:, or postgresql://user:password@host:port/dbname (default: sandbox.sqlite in the data folder).</source>
        <translation>Datenbank: eine SQLite-Datei, :memory: oder postgresql://user:password@host:port/dbname (Standard: sandbox.sqlite im Datenordner).</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="53"/>
        <source>Public origin written into every URL the server gives out (default: the request&apos;s Host).</source>
        <translation>Öffentlicher Ursprung, der in jede vom Server ausgegebene URL geschrieben wird (Standard: der Host der Anfrage).</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="58"/>
        <source>Return to the built-in fixtures at start.</source>
        <translation>Beim Start zu den eingebauten Beispieldaten zurückkehren.</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="63"/>
        <source>Require this key (X-Admin-Key or Authorization: Bearer) on the admin endpoints, and allow them off loopback.</source>
        <translation>Diesen Schlüssel (X-Admin-Key oder Authorization: Bearer) an den Admin-Endpunkten verlangen und sie auch außerhalb von Loopback erlauben.</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="68"/>
        <source>Also append every exchange to FILE as one JSON line.</source>
        <translation>Zusätzlich jeden Austausch als eine JSON-Zeile an FILE anhängen.</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="73"/>
        <source>Keep at most N exchanges in the request log (default 100000).</source>
        <translation>Höchstens N Austausche im Anfrageprotokoll behalten (Standard 100000).</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="79"/>
        <source>Serve /api/fhir and /api/open-fhir from this FHIR server (its base URL), with the sandbox&apos;s access control, instead of the built-in data.</source>
        <translation>/api/fhir und /api/open-fhir aus diesem FHIR-Server (seine Basis-URL) bedienen, mit der Zugriffskontrolle der Sandbox, statt aus den eingebauten Daten.</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="85"/>
        <source>Let /api/open-fhir create, update and delete resources.</source>
        <translation>/api/open-fhir Ressourcen anlegen, ändern und löschen lassen.</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="88"/>
        <source>How many generated patients the sample data holds besides the three fixture patients (default 25; applied at a reset).</source>
        <translation>Wie viele generierte Patienten die Beispieldaten neben den drei festen Patienten enthalten (Standard 25; wirkt beim Zurücksetzen).</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="94"/>
        <source>Close a connection that has not completed a request within N seconds (default 30; 0: never).</source>
        <translation>Eine Verbindung schließen, die innerhalb von N Sekunden keine Anfrage abgeschlossen hat (Standard 30; 0: nie).</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="100"/>
        <source>Import FHIR data into the database and exit, without starting the server: Bundles, NDJSON files, single resources, or folders of them. More files may follow.</source>
        <translation>FHIR-Daten in die Datenbank importieren und beenden, ohne den Server zu starten: Bundles, NDJSON-Dateien, einzelne Ressourcen oder Ordner davon. Weitere Dateien dürfen folgen.</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="107"/>
        <source>Run the conformance checks of the authorization server and FHIR endpoints against a sandbox of its own (on a free loopback port, with a temporary database) or against --url, print the results and exit.</source>
        <translation>Die Konformitätsprüfungen des Autorisierungsservers und der FHIR-Endpunkte gegen eine eigene Sandbox (auf einem freien Loopback-Port, mit einer temporären Datenbank) oder gegen --url ausführen, die Ergebnisse ausgeben und beenden.</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="113"/>
        <source>With --self-check: the running sandbox to check (its origin, such as http://127.0.0.1:9000, or its FHIR base).</source>
        <translation>Mit --self-check: die laufende Sandbox, die geprüft wird (ihr Ursprung, etwa http://127.0.0.1:9000, oder ihre FHIR-Basis).</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="119"/>
        <source>Language of the windows, pages and help, such as de or es (default: the system&apos;s; English where there is no translation).</source>
        <translation>Sprache der Fenster, Seiten und Hilfe, etwa de oder es (Standard: die des Systems; Englisch, wo es keine Übersetzung gibt).</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="125"/>
        <source>Name of this instance in the request log and /admin/status (default: host name and port). Team mode runs several instances on one PostgreSQL database.</source>
        <translation>Name dieser Instanz im Anfrageprotokoll und in /admin/status (Standard: Hostname und Port). Im Team-Modus laufen mehrere Instanzen auf einer PostgreSQL-Datenbank.</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="131"/>
        <source>Serve HTTPS. Without --tls-cert, a self-signed certificate for localhost and 127.0.0.1 is made on the first run and kept in the data folder.</source>
        <translation>HTTPS ausliefern. Ohne --tls-cert wird beim ersten Start ein selbstsigniertes Zertifikat für localhost und 127.0.0.1 erzeugt und im Datenordner aufbewahrt.</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="135"/>
        <source>HTTPS certificate (PEM; implies --tls).</source>
        <translation>HTTPS-Zertifikat (PEM; impliziert --tls).</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="138"/>
        <source>Private key of --tls-cert (PEM, unencrypted).</source>
        <translation>Privater Schlüssel zu --tls-cert (PEM, unverschlüsselt).</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="142"/>
        <source>Launch this saved scenario once the server listens: print its launch URL (headless) or open it in the browser.</source>
        <translation>Dieses gespeicherte Szenario starten, sobald der Server lauscht: seine Start-URL ausgeben (headless) oder sie im Browser öffnen.</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="148"/>
        <source>Write the sandbox configuration (clients, people, fault rules, discovery profile, scenarios) to a JSON file and exit.</source>
        <translation>Die Sandbox-Konfiguration (Clients, Personen, Fehlerregeln, Discovery-Profil, Szenarien) in eine JSON-Datei schreiben und beenden.</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="154"/>
        <source>Replace the sandbox configuration with a JSON file written by --export-config and exit; nothing changes when the file is invalid.</source>
        <translation>Die Sandbox-Konfiguration durch eine mit --export-config geschriebene JSON-Datei ersetzen und beenden; ist die Datei ungültig, ändert sich nichts.</translation>
    </message>
</context>
<context>
    <name>DefectText</name>
    <message>
        <location filename="../ui/defecttext.cpp" line="11"/>
        <source>None</source>
        <translation>Keiner</translation>
    </message>
    <message>
        <location filename="../ui/defecttext.cpp" line="12"/>
        <source>Expired</source>
        <translation>Abgelaufen</translation>
    </message>
    <message>
        <location filename="../ui/defecttext.cpp" line="13"/>
        <source>Revoked</source>
        <translation>Widerrufen</translation>
    </message>
    <message>
        <location filename="../ui/defecttext.cpp" line="14"/>
        <source>Other patient</source>
        <translation>Anderer Patient</translation>
    </message>
    <message>
        <location filename="../ui/defecttext.cpp" line="15"/>
        <source>Missing scope</source>
        <translation>Fehlender Scope</translation>
    </message>
    <message>
        <location filename="../ui/defecttext.cpp" line="16"/>
        <source>Wrong aud</source>
        <translation>Falsches aud</translation>
    </message>
    <message>
        <location filename="../ui/defecttext.cpp" line="17"/>
        <source>Wrong iss</source>
        <translation>Falsches iss</translation>
    </message>
    <message>
        <location filename="../ui/defecttext.cpp" line="18"/>
        <source>Bad signature</source>
        <translation>Ungültige Signatur</translation>
    </message>
    <message>
        <location filename="../ui/defecttext.cpp" line="26"/>
        <source>A good token</source>
        <translation>Ein einwandfreies Token</translation>
    </message>
    <message>
        <location filename="../ui/defecttext.cpp" line="28"/>
        <source>Already expired: FHIR answers 401, introspection inactive</source>
        <translation>Bereits abgelaufen: FHIR antwortet 401, Introspektion inaktiv</translation>
    </message>
    <message>
        <location filename="../ui/defecttext.cpp" line="30"/>
        <source>Already revoked: FHIR answers 401, introspection inactive</source>
        <translation>Bereits widerrufen: FHIR antwortet 401, Introspektion inaktiv</translation>
    </message>
    <message>
        <location filename="../ui/defecttext.cpp" line="32"/>
        <source>For another patient than the one chosen: reads of the chosen patient answer 404</source>
        <translation>Für einen anderen als den gewählten Patienten: Lesezugriffe auf den gewählten Patienten antworten 404</translation>
    </message>
    <message>
        <location filename="../ui/defecttext.cpp" line="35"/>
        <source>Without the scopes that read Patient: FHIR answers 403 insufficient_scope</source>
        <translation>Ohne die Scopes, die Patient lesen: FHIR antwortet 403 insufficient_scope</translation>
    </message>
    <message>
        <location filename="../ui/defecttext.cpp" line="38"/>
        <source>A JWT for another FHIR server (aud): FHIR answers 401, introspection inactive</source>
        <translation>Ein JWT für einen anderen FHIR-Server (aud): FHIR antwortet 401, Introspektion inaktiv</translation>
    </message>
    <message>
        <location filename="../ui/defecttext.cpp" line="42"/>
        <source>A JWT from another issuer (iss): FHIR answers 401, introspection inactive</source>
        <translation>Ein JWT von einem anderen Aussteller (iss): FHIR antwortet 401, Introspektion inaktiv</translation>
    </message>
    <message>
        <location filename="../ui/defecttext.cpp" line="45"/>
        <source>A JWT whose signature does not verify: FHIR answers 401, introspection inactive</source>
        <translation>Ein JWT, dessen Signatur die Prüfung nicht besteht: FHIR antwortet 401, Introspektion inaktiv</translation>
    </message>
</context>
<context>
    <name>DiscoveryDialog</name>
    <message>
        <location filename="../ui/discoverydialog.cpp" line="51"/>
        <source>Discovery profile</source>
        <translation>Discovery-Profil</translation>
    </message>
    <message>
        <location filename="../ui/discoverydialog.cpp" line="53"/>
        <source>SMART App Launch 2 (everything)</source>
        <translation>SMART App Launch 2 (alles)</translation>
    </message>
    <message>
        <location filename="../ui/discoverydialog.cpp" line="54"/>
        <source>SMART App Launch 1.0 names only</source>
        <translation>Nur Namen aus SMART App Launch 1.0</translation>
    </message>
    <message>
        <location filename="../ui/discoverydialog.cpp" line="55"/>
        <source>None: no smart-configuration (404)</source>
        <translation>Keins: keine smart-configuration (404)</translation>
    </message>
    <message>
        <location filename="../ui/discoverydialog.cpp" line="56"/>
        <source>Custom: leave out fields and capabilities</source>
        <translation>Benutzerdefiniert: Felder und Capabilities weglassen</translation>
    </message>
    <message>
        <location filename="../ui/discoverydialog.cpp" line="58"/>
        <source>SMART App Launch 2</source>
        <translation>SMART App Launch 2</translation>
    </message>
    <message>
        <location filename="../ui/discoverydialog.cpp" line="59"/>
        <source>SMART App Launch 1.0</source>
        <translation>SMART App Launch 1.0</translation>
    </message>
    <message>
        <location filename="../ui/discoverydialog.cpp" line="66"/>
        <source>Start from</source>
        <translation>Ausgehend von</translation>
    </message>
    <message>
        <location filename="../ui/discoverydialog.cpp" line="69"/>
        <source>Fields served (untick to leave out)</source>
        <translation>Ausgelieferte Felder (Haken entfernen zum Weglassen)</translation>
    </message>
    <message>
        <location filename="../ui/discoverydialog.cpp" line="72"/>
        <source>Capabilities served</source>
        <translation>Ausgelieferte Capabilities</translation>
    </message>
    <message>
        <location filename="../ui/discoverydialog.cpp" line="79"/>
        <source>Back to &amp;v2</source>
        <translation>Zurück zu &amp;v2</translation>
    </message>
    <message>
        <location filename="../ui/discoverydialog.cpp" line="86"/>
        <source>&amp;Serve</source>
        <translation>&amp;Ausliefern</translation>
    </message>
    <message>
        <location filename="../ui/discoverydialog.cpp" line="88"/>
        <source>What /.well-known/smart-configuration says, so that an app&apos;s discovery fallbacks can be tested. The CapabilityStatement keeps its oauth-uris.</source>
        <translation>Was /.well-known/smart-configuration sagt, damit sich die Discovery-Fallbacks einer App testen lassen. Das CapabilityStatement behält seine oauth-uris.</translation>
    </message>
    <message>
        <location filename="../ui/discoverydialog.cpp" line="160"/>
        <source>The profile cannot be stored: %1</source>
        <translation>Das Profil kann nicht gespeichert werden: %1</translation>
    </message>
</context>
<context>
    <name>ExchangeView</name>
    <message>
        <location filename="../ui/exchangeview.cpp" line="41"/>
        <source>(no body)</source>
        <translation>(kein Body)</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/exchangeview.cpp" line="57"/>
        <source>(%n byte(s) of binary data)</source>
        <translation>
            <numerusform>(%n Byte Binärdaten)</numerusform>
            <numerusform>(%n Bytes Binärdaten)</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="60"/>
        <source>… cut at %1 of %2 bytes</source>
        <translation>… abgeschnitten bei %1 von %2 Bytes</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="75"/>
        <source>Bearer token in the Authorization header</source>
        <translation>Bearer-Token im Authorization-Header</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="76"/>
        <source>Query parameter %1</source>
        <translation>Query-Parameter %1</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="77"/>
        <source>Form field %1 of the request</source>
        <translation>Formularfeld %1 der Anfrage</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="78"/>
        <source>Field %1 of the request body</source>
        <translation>Feld %1 des Anfrage-Bodys</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="79"/>
        <source>Field %1 of the response</source>
        <translation>Feld %1 der Antwort</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="124"/>
        <source>Request</source>
        <translation>Anfrage</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="125"/>
        <source>Response</source>
        <translation>Antwort</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="126"/>
        <location filename="../ui/exchangeview.cpp" line="160"/>
        <source>JWTs</source>
        <translation>JWTs</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="127"/>
        <source>Every JSON Web Token in the exchange, decoded, with its signature checked</source>
        <translation>Jedes JSON Web Token des Austauschs, dekodiert und mit geprüfter Signatur</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="153"/>
        <source>Select a request to see its headers, bodies and tokens.</source>
        <translation>Eine Anfrage auswählen, um ihre Header, Bodys und Tokens zu sehen.</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="166"/>
        <source>%1 %2 → %3 in %4 ms</source>
        <translation>%1 %2 → %3 in %4 ms</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="168"/>
        <source>client %1</source>
        <translation>Client %1</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="198"/>
        <source>No JSON Web Token in this exchange.</source>
        <translation>Kein JSON Web Token in diesem Austausch.</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="190"/>
        <source>JWTs (%1)</source>
        <translation>JWTs (%1)</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="229"/>
        <source>✔ Signature valid: signed with this sandbox&apos;s key (kid %1)</source>
        <translation>✔ Signatur gültig: mit dem Schlüssel dieser Sandbox signiert (kid %1)</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="230"/>
        <source>✔ Signature valid: checked with the keys client %1 registered</source>
        <translation>✔ Signatur gültig: geprüft mit den Schlüsseln, die Client %1 registriert hat</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="232"/>
        <source>✘ Signature NOT valid for this sandbox&apos;s key: %1</source>
        <translation>✘ Signatur NICHT gültig für den Schlüssel dieser Sandbox: %1</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="233"/>
        <source>✘ Signature NOT valid for the keys client %1 registered: %2</source>
        <translation>✘ Signatur NICHT gültig für die Schlüssel, die Client %1 registriert hat: %2</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="234"/>
        <source>Signature not checked: key unknown</source>
        <translation>Signatur nicht geprüft: Schlüssel unbekannt</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="241"/>
        <source>Header:</source>
        <translation>Header:</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="242"/>
        <source>Payload:</source>
        <translation>Payload:</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="251"/>
        <source>in %1</source>
        <translation>in %1</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="252"/>
        <source>%1 ago</source>
        <translation>vor %1</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="256"/>
        <source>Times (UTC, relative to the sandbox clock):</source>
        <translation>Zeiten (UTC, relativ zur Sandbox-Uhr):</translation>
    </message>
</context>
<context>
    <name>FaultRuleDialog</name>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="45"/>
        <source>Add fault rule</source>
        <translation>Fehlerregel hinzufügen</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="51"/>
        <source>An exact path, or a prefix ending in *</source>
        <translation>Ein exakter Pfad oder ein Präfix, das auf * endet</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="54"/>
        <source>Any method</source>
        <translation>Jede Methode</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="59"/>
        <source>Any client</source>
        <translation>Jeder Client</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="67"/>
        <source>Delay</source>
        <translation>Verzögerung</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="67"/>
        <source>Error status</source>
        <translation>Fehlerstatus</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="67"/>
        <source>Malformed JSON body</source>
        <translation>Fehlerhafter JSON-Body</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="67"/>
        <source>Drop the connection</source>
        <translation>Verbindung abbrechen</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="71"/>
        <source> ms</source>
        <translation> ms</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="75"/>
        <source>Sent with the body the endpoint&apos;s spec names; 429 and 503 carry Retry-After</source>
        <translation>Mit dem Body gesendet, den die Spezifikation des Endpunkts vorsieht; 429 und 503 tragen Retry-After</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="78"/>
        <source>The normal answer, cut in half</source>
        <translation>Die normale Antwort, in der Mitte abgeschnitten</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="79"/>
        <source>No answer at all</source>
        <translation>Überhaupt keine Antwort</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="82"/>
        <source>Until removed</source>
        <translation>Bis zum Entfernen</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="82"/>
        <source>The next requests:</source>
        <translation>Die nächsten Anfragen:</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="88"/>
        <source> %</source>
        <translation> %</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="89"/>
        <source>Each matching request&apos;s chance of being faulted</source>
        <translation>Wahrscheinlichkeit, mit der jede passende Anfrage gestört wird</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="102"/>
        <source>&amp;Endpoint:</source>
        <translation>&amp;Endpunkt:</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="103"/>
        <source>&amp;Method:</source>
        <translation>&amp;Methode:</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="104"/>
        <source>C&amp;lient:</source>
        <translation>&amp;Client:</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="105"/>
        <source>E&amp;ffect:</source>
        <translation>&amp;Wirkung:</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="107"/>
        <source>&amp;Budget:</source>
        <translation>&amp;Umfang:</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="110"/>
        <source>&amp;Chance:</source>
        <translation>W&amp;ahrscheinlichkeit:</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="114"/>
        <source>Add rule</source>
        <translation>Regel hinzufügen</translation>
    </message>
</context>
<context>
    <name>FaultRuleModel</name>
    <message>
        <location filename="../ui/faultrulemodel.cpp" line="55"/>
        <source>%1 ms delay</source>
        <translation>%1 ms Verzögerung</translation>
    </message>
    <message>
        <location filename="../ui/faultrulemodel.cpp" line="56"/>
        <source>status %1</source>
        <translation>Status %1</translation>
    </message>
    <message>
        <location filename="../ui/faultrulemodel.cpp" line="57"/>
        <source>malformed JSON body</source>
        <translation>fehlerhafter JSON-Body</translation>
    </message>
    <message>
        <location filename="../ui/faultrulemodel.cpp" line="58"/>
        <source>connection dropped</source>
        <translation>Verbindung abgebrochen</translation>
    </message>
    <message>
        <location filename="../ui/faultrulemodel.cpp" line="59"/>
        <source>launch error %1</source>
        <translation>Startfehler %1</translation>
    </message>
    <message>
        <location filename="../ui/faultrulemodel.cpp" line="66"/>
        <source>until removed</source>
        <translation>bis zum Entfernen</translation>
    </message>
    <message>
        <location filename="../ui/faultrulemodel.cpp" line="67"/>
        <source>next %1</source>
        <translation>nächste %1</translation>
    </message>
    <message>
        <location filename="../ui/faultrulemodel.cpp" line="68"/>
        <source>used up</source>
        <translation>aufgebraucht</translation>
    </message>
    <message>
        <location filename="../ui/faultrulemodel.cpp" line="70"/>
        <source>%1, %2 %</source>
        <translation>%1, %2 %</translation>
    </message>
    <message>
        <location filename="../ui/faultrulemodel.cpp" line="103"/>
        <location filename="../ui/faultrulemodel.cpp" line="106"/>
        <source>any</source>
        <translation>beliebig</translation>
    </message>
    <message>
        <location filename="../ui/faultrulemodel.cpp" line="123"/>
        <source>Rule</source>
        <translation>Regel</translation>
    </message>
    <message>
        <location filename="../ui/faultrulemodel.cpp" line="124"/>
        <source>Endpoint</source>
        <translation>Endpunkt</translation>
    </message>
    <message>
        <location filename="../ui/faultrulemodel.cpp" line="125"/>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <location filename="../ui/faultrulemodel.cpp" line="126"/>
        <source>Client</source>
        <translation>Client</translation>
    </message>
    <message>
        <location filename="../ui/faultrulemodel.cpp" line="127"/>
        <source>Effect</source>
        <translation>Wirkung</translation>
    </message>
    <message>
        <location filename="../ui/faultrulemodel.cpp" line="128"/>
        <source>Left</source>
        <translation>Verbleibend</translation>
    </message>
    <message>
        <location filename="../ui/faultrulemodel.cpp" line="129"/>
        <source>Hits</source>
        <translation>Treffer</translation>
    </message>
</context>
<context>
    <name>FaultsPage</name>
    <message>
        <location filename="../ui/faultspage.cpp" line="28"/>
        <source>Add rule…</source>
        <translation>Regel hinzufügen…</translation>
    </message>
    <message>
        <location filename="../ui/faultspage.cpp" line="29"/>
        <source>Make an endpoint fail on purpose: delay, error, bad JSON, drop</source>
        <translation>Einen Endpunkt absichtlich fehlschlagen lassen: Verzögerung, Fehler, kaputtes JSON, Abbruch</translation>
    </message>
    <message>
        <location filename="../ui/faultspage.cpp" line="31"/>
        <location filename="../ui/faultspage.cpp" line="55"/>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <location filename="../ui/faultspage.cpp" line="32"/>
        <source>Remove the selected rule (Delete)</source>
        <translation>Die ausgewählte Regel entfernen (Entf)</translation>
    </message>
    <message>
        <location filename="../ui/faultspage.cpp" line="33"/>
        <source>Clear all…</source>
        <translation>Alle entfernen…</translation>
    </message>
    <message>
        <location filename="../ui/faultspage.cpp" line="33"/>
        <source>Remove every rule</source>
        <translation>Alle Regeln entfernen</translation>
    </message>
    <message>
        <location filename="../ui/faultspage.cpp" line="37"/>
        <source>No fault rules: every request is answered normally. Add a rule here, use Launch errors on the Clients tab, or POST /admin/faults.</source>
        <translation>Keine Fehlerregeln: Jede Anfrage wird normal beantwortet. Fügen Sie hier eine Regel hinzu, nutzen Sie „Startfehler“ im Tab „Clients“ oder POST /admin/faults.</translation>
    </message>
    <message>
        <location filename="../ui/faultspage.cpp" line="76"/>
        <source>Fault rule %1 added: %2 on %3</source>
        <translation>Fehlerregel %1 hinzugefügt: %2 auf %3</translation>
    </message>
    <message>
        <location filename="../ui/faultspage.cpp" line="89"/>
        <location filename="../ui/faultspage.cpp" line="99"/>
        <source>Faults</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <location filename="../ui/faultspage.cpp" line="95"/>
        <source>Clear fault rules</source>
        <translation>Fehlerregeln entfernen</translation>
    </message>
    <message>
        <location filename="../ui/faultspage.cpp" line="96"/>
        <source>Remove every fault rule? Requests are then answered normally.</source>
        <translation>Alle Fehlerregeln entfernen? Anfragen werden dann wieder normal beantwortet.</translation>
    </message>
    <message>
        <location filename="../ui/faultspage.cpp" line="96"/>
        <source>Clear</source>
        <translation>Leeren</translation>
    </message>
</context>
<context>
    <name>FlowModel</name>
    <message>
        <location filename="../ui/flowmodel.cpp" line="83"/>
        <source>completed</source>
        <translation>abgeschlossen</translation>
    </message>
    <message>
        <location filename="../ui/flowmodel.cpp" line="84"/>
        <source>failed at %1</source>
        <translation>gescheitert bei %1</translation>
    </message>
    <message>
        <location filename="../ui/flowmodel.cpp" line="85"/>
        <source>in progress</source>
        <translation>läuft</translation>
    </message>
    <message>
        <location filename="../ui/flowmodel.cpp" line="119"/>
        <source>%1 (sandbox clock)</source>
        <translation>%1 (Sandbox-Uhr)</translation>
    </message>
    <message>
        <location filename="../ui/flowmodel.cpp" line="143"/>
        <source>Client</source>
        <translation>Client</translation>
    </message>
    <message>
        <location filename="../ui/flowmodel.cpp" line="144"/>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <location filename="../ui/flowmodel.cpp" line="145"/>
        <source>Patient</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../ui/flowmodel.cpp" line="146"/>
        <source>Started</source>
        <translation>Begonnen</translation>
    </message>
    <message>
        <location filename="../ui/flowmodel.cpp" line="147"/>
        <source>Steps</source>
        <translation>Schritte</translation>
    </message>
    <message>
        <location filename="../ui/flowmodel.cpp" line="148"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
</context>
<context>
    <name>FlowTimeline</name>
    <message>
        <location filename="../ui/flowtimeline.cpp" line="29"/>
        <source>Flow timeline</source>
        <translation>Zeitleiste des Ablaufs</translation>
    </message>
    <message>
        <location filename="../ui/flowtimeline.cpp" line="111"/>
        <source>Select a flow to see its timeline.</source>
        <translation>Wählen Sie einen Ablauf, um seine Zeitleiste zu sehen.</translation>
    </message>
</context>
<context>
    <name>FlowsPage</name>
    <message>
        <location filename="../ui/flowspage.cpp" line="57"/>
        <source>Click a step to show the exchange in Traffic.</source>
        <translation>Klicken Sie auf einen Schritt, um den Austausch im Datenverkehr zu zeigen.</translation>
    </message>
    <message>
        <location filename="../ui/flowspage.cpp" line="91"/>
        <source>Flow of %1: %2</source>
        <translation>Ablauf von %1: %2</translation>
    </message>
</context>
<context>
    <name>LaunchDialog</name>
    <message>
        <location filename="../ui/launchdialog.cpp" line="62"/>
        <source>Launch</source>
        <translation>Starten</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="65"/>
        <source>EHR launch</source>
        <translation>EHR-Start</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="67"/>
        <source>Clients that registered a launch URL (launch_uri)</source>
        <translation>Clients, die eine Start-URL registriert haben (launch_uri)</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="70"/>
        <source>The app&apos;s launch URL; the browser opens it with iss and launch</source>
        <translation>Die Start-URL der App; der Browser öffnet sie mit iss und launch</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="72"/>
        <source>The clinician or person who launches the app</source>
        <translation>Die klinische Fachkraft oder die Person, die die App startet</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="74"/>
        <source>The patients this user may act for</source>
        <translation>Die Patienten, für die dieser Benutzer handeln darf</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="76"/>
        <source>The patient&apos;s encounters in the built-in FHIR data; optional</source>
        <translation>Die Besuche (Encounter) des Patienten in den eingebauten FHIR-Daten; optional</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="79"/>
        <source>No client has a launch URL yet. On the Clients tab, register a client (or edit one) and fill in its Launch URL, such as http://localhost:3000/launch.</source>
        <translation>Noch hat kein Client eine Start-URL. Registrieren Sie auf dem Reiter „Clients“ einen Client (oder bearbeiten Sie einen) und tragen Sie seine Start-URL ein, etwa http://localhost:3000/launch.</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="90"/>
        <source>The URL the browser opens appears here</source>
        <translation>Hier erscheint die URL, die der Browser öffnet</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="93"/>
        <source>Create the launch context and open the app in the browser</source>
        <translation>Den Startkontext anlegen und die App im Browser öffnen</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="98"/>
        <source>Copy the launch URL</source>
        <translation>Die Start-URL kopieren</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="101"/>
        <source>&amp;Client:</source>
        <translation>&amp;Client:</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="102"/>
        <source>Launch URL:</source>
        <translation>Start-URL:</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="103"/>
        <source>&amp;User:</source>
        <translation>&amp;Benutzer:</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="104"/>
        <source>&amp;Patient:</source>
        <translation>&amp;Patient:</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="105"/>
        <source>&amp;Encounter:</source>
        <translation>B&amp;esuch:</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="106"/>
        <source>Opened:</source>
        <translation>Geöffnet:</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="163"/>
        <location filename="../ui/launchdialog.cpp" line="180"/>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="188"/>
        <source>None: the app asks for one</source>
        <translation>Keiner: die App fragt nach einem</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="193"/>
        <source>self</source>
        <translation>selbst</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="193"/>
        <source>represented</source>
        <translation>vertreten</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="194"/>
        <source>%1 (%2, %3)</source>
        <translation>%1 (%2, %3)</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="205"/>
        <source>None</source>
        <translation>Keiner</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="266"/>
        <source>The server is stopped, so the app could not reach it: start it first (Sandbox ▸ Start server).</source>
        <translation>Der Server ist gestoppt, die App könnte ihn also nicht erreichen: Starten Sie ihn zuerst (Sandbox ▸ Server starten).</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="272"/>
        <source>The client is no longer registered.</source>
        <translation>Der Client ist nicht mehr registriert.</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="287"/>
        <source>No browser could be opened; copy the URL above into one.</source>
        <translation>Es ließ sich kein Browser öffnen; kopieren Sie die URL oben in einen.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../ui/mainwindow.cpp" line="58"/>
        <source>SMART Sandbox</source>
        <translation>SMART Sandbox</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="70"/>
        <source>&amp;Traffic</source>
        <translation>&amp;Datenverkehr</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="72"/>
        <source>T&amp;okens</source>
        <translation>T&amp;okens</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="73"/>
        <source>&amp;Clients</source>
        <translation>&amp;Clients</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="74"/>
        <source>&amp;People and data</source>
        <translation>&amp;Personen und Daten</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="75"/>
        <source>&amp;Faults</source>
        <translation>&amp;Fehler</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="88"/>
        <source>Client &quot;%1&quot; registered over HTTP (%2)</source>
        <translation>Client „%1“ über HTTP registriert (%2)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="107"/>
        <source>The sandbox clock is back to real time.</source>
        <translation>Die Sandbox-Uhr läuft wieder in Echtzeit.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="108"/>
        <source>The sandbox clock now runs %1 from real time.</source>
        <translation>Die Sandbox-Uhr weicht jetzt um %1 von der Echtzeit ab.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="112"/>
        <source>The sandbox is back to its sample data.</source>
        <translation>Die Sandbox hat wieder ihre Beispieldaten.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="177"/>
        <source>Copy %1</source>
        <translation>%1 kopieren</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="182"/>
        <source>FHIR base</source>
        <translation>FHIR-Basis</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="182"/>
        <source>the FHIR base URL an app is given as iss</source>
        <translation>die FHIR-Basis-URL, die eine App als iss bekommt</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="184"/>
        <source>SMART configuration</source>
        <translation>SMART-Konfiguration</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="185"/>
        <source>the SMART discovery document (.well-known/smart-configuration)</source>
        <translation>das SMART-Discovery-Dokument (.well-known/smart-configuration)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="187"/>
        <source>Register</source>
        <translation>Registrierung</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="187"/>
        <source>the dynamic client registration endpoint (RFC 7591)</source>
        <translation>den Endpunkt für dynamische Client-Registrierung (RFC 7591)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="200"/>
        <source>&amp;Mint token…</source>
        <translation>Token &amp;ausstellen…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="203"/>
        <source>Mint a token for any client, user and patient (Ctrl+T)</source>
        <translation>Ein Token für beliebigen Client, Benutzer und Patienten ausstellen (Strg+T)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="206"/>
        <source>EHR l&amp;aunch…</source>
        <translation>&amp;EHR-Start…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="218"/>
        <source>Run self-chec&amp;k</source>
        <translation>Selbsttest a&amp;usführen</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="227"/>
        <source>Settin&amp;gs…</source>
        <translation>Einstellun&amp;gen…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="238"/>
        <source>Import config&amp;uration…</source>
        <translation>Konfiguration i&amp;mportieren…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="244"/>
        <source>Fin&amp;d</source>
        <translation>S&amp;uchen</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="337"/>
        <source>Stop ser&amp;ver</source>
        <translation>Server s&amp;toppen</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="337"/>
        <source>Start ser&amp;ver</source>
        <translation>Server s&amp;tarten</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="210"/>
        <source>Open an app in the browser as an EHR would, with a chosen user, patient and encounter (Ctrl+Shift+L)</source>
        <translation>Eine App im Browser öffnen, wie es ein EHR täte, mit gewähltem Benutzer, Patienten und Besuch (Strg+Umschalt+L)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="213"/>
        <source>&amp;Reset…</source>
        <translation>Zu&amp;rücksetzen…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="215"/>
        <source>Return to the sample clients, users and patients</source>
        <translation>Zu den Beispiel-Clients, -Benutzern und -Patienten zurückkehren</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="220"/>
        <source>Check the running server&apos;s authorization and FHIR endpoints as an app would</source>
        <translation>Die Autorisierungs- und FHIR-Endpunkte des laufenden Servers prüfen, wie es eine App täte</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="223"/>
        <source>&amp;Discovery profile…</source>
        <translation>Disco&amp;very-Profil…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="225"/>
        <source>Serve SMART 2, SMART 1.0, no or a partial smart-configuration</source>
        <translation>SMART 2, SMART 1.0, keine oder eine unvollständige smart-configuration ausliefern</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="231"/>
        <source>Port, bind address, base URL, upstream FHIR server, database, admin key, log cap</source>
        <translation>Port, Bind-Adresse, Basis-URL, Upstream-FHIR-Server, Datenbank, Admin-Schlüssel, Protokoll-Limit</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="234"/>
        <source>E&amp;xport configuration…</source>
        <translation>Konfiguration e&amp;xportieren…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="236"/>
        <source>Save clients, people, fault rules, discovery profile and scenarios to a JSON file</source>
        <translation>Clients, Personen, Fehlerregeln, Discovery-Profil und Szenarien in einer JSON-Datei speichern</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="240"/>
        <source>Replace clients, people, fault rules, discovery profile and scenarios with a JSON file written by Export configuration</source>
        <translation>Clients, Personen, Fehlerregeln, Discovery-Profil und Szenarien durch eine mit „Konfiguration exportieren“ geschriebene JSON-Datei ersetzen</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="249"/>
        <source>&amp;Quit</source>
        <translation>Bee&amp;nden</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="255"/>
        <source>&amp;About SMART Sandbox</source>
        <translation>Üb&amp;er SMART Sandbox</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="260"/>
        <source>&amp;Sandbox</source>
        <translation>&amp;Sandbox</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="275"/>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="279"/>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="282"/>
        <source>Main</source>
        <translation>Hauptleiste</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="300"/>
        <location filename="../ui/mainwindow.cpp" line="306"/>
        <source>Export configuration</source>
        <translation>Konfiguration exportieren</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="301"/>
        <location filename="../ui/mainwindow.cpp" line="312"/>
        <source>JSON files (*.json)</source>
        <translation>JSON-Dateien (*.json)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="312"/>
        <location filename="../ui/mainwindow.cpp" line="314"/>
        <location filename="../ui/mainwindow.cpp" line="322"/>
        <source>Import configuration</source>
        <translation>Konfiguration importieren</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="315"/>
        <source>Replace every client, user, patient, fault rule and scenario with the contents of %1? Signed-in sessions and issued tokens end.</source>
        <translation>Alle Clients, Benutzer, Patienten, Fehlerregeln und Szenarien durch den Inhalt von %1 ersetzen? Angemeldete Sitzungen und ausgestellte Tokens enden.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="318"/>
        <source>Import</source>
        <translation>Importieren</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="335"/>
        <source>● Running</source>
        <translation>● Läuft</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="335"/>
        <source>● Stopped</source>
        <translation>● Gestoppt</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="336"/>
        <source>Listening on %1</source>
        <translation>Lauscht auf %1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="336"/>
        <source>Not listening; start the server</source>
        <translation>Lauscht nicht; den Server starten</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="349"/>
        <source>SMART Sandbox — %1</source>
        <translation>SMART Sandbox — %1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="349"/>
        <source>SMART Sandbox (stopped)</source>
        <translation>SMART Sandbox (gestoppt)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="359"/>
        <source>Start server</source>
        <translation>Server starten</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="360"/>
        <source>The server cannot listen: %1</source>
        <translation>Der Server kann nicht lauschen: %1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="388"/>
        <source>Discovery profile: %1</source>
        <translation>Discovery-Profil: %1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="398"/>
        <source>Opened %1</source>
        <translation>%1 geöffnet</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="413"/>
        <source>Settings applied; clients, tokens and the log are kept.</source>
        <translation>Einstellungen übernommen; Clients, Tokens und das Protokoll bleiben erhalten.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="425"/>
        <source>Reset returns the sandbox to its sample clients, users and patients. This is lost:</source>
        <translation>Zurücksetzen stellt die Beispiel-Clients, -Benutzer und -Patienten der Sandbox wieder her. Verloren geht:</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/mainwindow.cpp" line="426"/>
        <source>%n client(s) registered or changed since the start</source>
        <translation>
            <numerusform>%n seit dem Start registrierter oder geänderter Client</numerusform>
            <numerusform>%n seit dem Start registrierte oder geänderte Clients</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/mainwindow.cpp" line="427"/>
        <source>%n token(s), with the approvals they were issued under</source>
        <translation>
            <numerusform>%n Token, mit der Freigabe, unter der es ausgestellt wurde</numerusform>
            <numerusform>%n Tokens, mit den Freigaben, unter denen sie ausgestellt wurden</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="428"/>
        <source>The request log is kept.</source>
        <translation>Das Anfrageprotokoll bleibt erhalten.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="433"/>
        <source>Reset the sandbox</source>
        <translation>Sandbox zurücksetzen</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="433"/>
        <location filename="../ui/mainwindow.cpp" line="436"/>
        <source>Reset</source>
        <translation>Zurücksetzen</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="436"/>
        <source>The reset failed: %1</source>
        <translation>Das Zurücksetzen ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="462"/>
        <source>About SMART Sandbox</source>
        <translation>Über SMART Sandbox</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="463"/>
        <source>&lt;h3&gt;SMART Sandbox %1&lt;/h3&gt;&lt;p&gt;A local SMART on FHIR server for developing and testing apps: an OAuth 2 authorization server, FHIR R4 endpoints and a live view of every request.&lt;/p&gt;&lt;p&gt;Built with Qt %2. Licensed under the Apache License 2.0.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;SMART Sandbox %1&lt;/h3&gt;&lt;p&gt;Ein lokaler SMART-on-FHIR-Server zum Entwickeln und Testen von Apps: ein OAuth-2-Autorisierungsserver, FHIR-R4-Endpunkte und eine Live-Ansicht jeder Anfrage.&lt;/p&gt;&lt;p&gt;Erstellt mit Qt %2. Lizenziert unter der Apache License 2.0.&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="71"/>
        <source>F&amp;lows</source>
        <translation>Ab&amp;läufe</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="98"/>
        <source>That exchange is no longer in the Traffic table.</source>
        <translation>Dieser Austausch steht nicht mehr in der Tabelle Datenverkehr.</translation>
    </message>
</context>
<context>
    <name>MintDialog</name>
    <message>
        <location filename="../ui/mintdialog.cpp" line="55"/>
        <source>Mint</source>
        <translation>Ausstellen</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="64"/>
        <source>Mint token</source>
        <translation>Token ausstellen</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="69"/>
        <source>Space-separated SMART scopes; empty means the client&apos;s registered scope</source>
        <translation>SMART-Scopes, durch Leerzeichen getrennt; leer bedeutet den registrierten Scope des Clients</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="81"/>
        <source>1 minute</source>
        <translation>1 Minute</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="82"/>
        <source>5 minutes</source>
        <translation>5 Minuten</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="83"/>
        <source>1 hour</source>
        <translation>1 Stunde</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="84"/>
        <source>Custom</source>
        <translation>Benutzerdefiniert</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="89"/>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="90"/>
        <source>Seconds; a negative lifetime mints a token that has already expired</source>
        <translation>Sekunden; eine negative Laufzeit stellt ein bereits abgelaufenes Token aus</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="92"/>
        <source>Break the token on purpose, to see how an app handles a token that fails</source>
        <translation>Das Token absichtlich beschädigen, um zu sehen, wie eine App mit einem scheiternden Token umgeht</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="106"/>
        <source>&amp;Client:</source>
        <translation>&amp;Client:</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="107"/>
        <source>&amp;User:</source>
        <translation>&amp;Benutzer:</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="108"/>
        <source>&amp;Patient:</source>
        <translation>&amp;Patient:</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="109"/>
        <source>&amp;Scope:</source>
        <translation>Sc&amp;ope:</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="111"/>
        <source>&amp;Access lifetime:</source>
        <translation>&amp;Laufzeit des Access-Tokens:</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="114"/>
        <source>&amp;Defect:</source>
        <translation>&amp;Defekt:</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="125"/>
        <source>Copy to the clipboard</source>
        <translation>In die Zwischenablage kopieren</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="129"/>
        <source>Access token:</source>
        <translation>Access-Token:</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="130"/>
        <source>Refresh token:</source>
        <translation>Refresh-Token:</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="131"/>
        <source>curl:</source>
        <translation>curl:</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="175"/>
        <location filename="../ui/mintdialog.cpp" line="191"/>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="203"/>
        <source>self</source>
        <translation>selbst</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="203"/>
        <source>represented</source>
        <translation>vertreten</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="204"/>
        <source>%1 (%2, %3)</source>
        <translation>%1 (%2, %3)</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="227"/>
        <source>Only for clients with JWT access tokens (access_token_format &quot;jwt&quot;)</source>
        <translation>Nur für Clients mit JWT-Access-Tokens (access_token_format „jwt“)</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="338"/>
        <source>Defect: %1. %2</source>
        <translation>Defekt: %1. %2</translation>
    </message>
</context>
<context>
    <name>PeopleModel</name>
    <message>
        <location filename="../ui/peoplemodel.cpp" line="100"/>
        <source>%1 (self)</source>
        <translation>%1 (selbst)</translation>
    </message>
    <message>
        <location filename="../ui/peoplemodel.cpp" line="100"/>
        <source>%1 (represents)</source>
        <translation>%1 (vertritt)</translation>
    </message>
    <message>
        <location filename="../ui/peoplemodel.cpp" line="102"/>
        <source>No user acts for this patient; tokens for it need a user who does, or a backend client.</source>
        <translation>Kein Benutzer handelt für diesen Patienten; Tokens dafür brauchen einen solchen Benutzer oder einen Backend-Client.</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/peoplemodel.cpp" line="107"/>
        <source>%n FHIR resource(s) in this patient&apos;s record</source>
        <translation>
            <numerusform>%n FHIR-Ressource in der Akte dieses Patienten</numerusform>
            <numerusform>%n FHIR-Ressourcen in der Akte dieses Patienten</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/peoplemodel.cpp" line="118"/>
        <source>Patient</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../ui/peoplemodel.cpp" line="119"/>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <location filename="../ui/peoplemodel.cpp" line="120"/>
        <source>Born</source>
        <translation>Geboren</translation>
    </message>
    <message>
        <location filename="../ui/peoplemodel.cpp" line="121"/>
        <source>Gender</source>
        <translation>Geschlecht</translation>
    </message>
    <message>
        <location filename="../ui/peoplemodel.cpp" line="122"/>
        <source>Users</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <location filename="../ui/peoplemodel.cpp" line="123"/>
        <source>Resources</source>
        <translation>Ressourcen</translation>
    </message>
</context>
<context>
    <name>PeoplePage</name>
    <message>
        <location filename="../ui/peoplepage.cpp" line="39"/>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <location filename="../ui/peoplepage.cpp" line="40"/>
        <source>Read the patients and their records again</source>
        <translation>Die Patienten und ihre Akten neu einlesen</translation>
    </message>
    <message>
        <location filename="../ui/peoplepage.cpp" line="41"/>
        <source>Copy $everything URL</source>
        <translation>$everything-URL kopieren</translation>
    </message>
    <message>
        <location filename="../ui/peoplepage.cpp" line="42"/>
        <source>Copy the open endpoint&apos;s Patient/$everything URL of the selected patient</source>
        <translation>Die Patient/$everything-URL des offenen Endpunkts für den ausgewählten Patienten kopieren</translation>
    </message>
    <message>
        <location filename="../ui/peoplepage.cpp" line="46"/>
        <source>Import…</source>
        <translation>Importieren…</translation>
    </message>
    <message>
        <location filename="../ui/peoplepage.cpp" line="47"/>
        <source>Import FHIR Bundles or NDJSON files (Synthea output, Bulk Data exports); you can also drop them here</source>
        <translation>FHIR-Bundles oder NDJSON-Dateien importieren (Synthea-Ausgabe, Bulk-Data-Exporte); sie lassen sich auch hier ablegen</translation>
    </message>
    <message>
        <location filename="../ui/peoplepage.cpp" line="49"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location filename="../ui/peoplepage.cpp" line="50"/>
        <source>Stop the import after the current chunk; what was written stays</source>
        <translation>Den Import nach dem aktuellen Block anhalten; bereits Geschriebenes bleibt</translation>
    </message>
    <message>
        <location filename="../ui/peoplepage.cpp" line="64"/>
        <source>Drop FHIR Bundles or NDJSON files here to import them.</source>
        <translation>FHIR-Bundles oder NDJSON-Dateien hier ablegen, um sie zu importieren.</translation>
    </message>
    <message>
        <location filename="../ui/peoplepage.cpp" line="73"/>
        <source>Filter by patient, ID or user (Ctrl+F)</source>
        <translation>Nach Patient, ID oder Benutzer filtern (Strg+F)</translation>
    </message>
    <message>
        <location filename="../ui/peoplepage.cpp" line="82"/>
        <source>People and data</source>
        <translation>Personen und Daten</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/peoplepage.cpp" line="84"/>
        <location filename="../ui/peoplepage.cpp" line="135"/>
        <source>%n patient(s)</source>
        <translation>
            <numerusform>%n Patient</numerusform>
            <numerusform>%n Patienten</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/peoplepage.cpp" line="85"/>
        <location filename="../ui/peoplepage.cpp" line="136"/>
        <source>%n user(s)</source>
        <translation>
            <numerusform>%n Benutzer</numerusform>
            <numerusform>%n Benutzer</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/peoplepage.cpp" line="184"/>
        <source>Select a patient to see their record by resource type.</source>
        <translation>Einen Patienten auswählen, um seine Akte nach Ressourcentyp zu sehen.</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/peoplepage.cpp" line="190"/>
        <source>%1 (%2): %n FHIR resource(s)</source>
        <translation>
            <numerusform>%1 (%2): %n FHIR-Ressource</numerusform>
            <numerusform>%1 (%2): %n FHIR-Ressourcen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/peoplepage.cpp" line="203"/>
        <source>Importing %n file(s)…</source>
        <translation>
            <numerusform>%n Datei wird importiert…</numerusform>
            <numerusform>%n Dateien werden importiert…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/peoplepage.cpp" line="208"/>
        <source>Importing… %n resource(s) so far</source>
        <translation>
            <numerusform>Import läuft… bisher %n Ressource</numerusform>
            <numerusform>Import läuft… bisher %n Ressourcen</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/peoplepage.cpp" line="220"/>
        <source>Import FHIR data</source>
        <translation>FHIR-Daten importieren</translation>
    </message>
    <message>
        <location filename="../ui/peoplepage.cpp" line="222"/>
        <source>FHIR JSON (*.json *.ndjson *.jsonl);;All files (*)</source>
        <translation>FHIR-JSON (*.json *.ndjson *.jsonl);;Alle Dateien (*)</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/peoplepage.cpp" line="239"/>
        <source>Imported %n resource(s)</source>
        <translation>
            <numerusform>%n Ressource importiert</numerusform>
            <numerusform>%n Ressourcen importiert</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/peoplepage.cpp" line="241"/>
        <source>%n rejected</source>
        <translation>
            <numerusform>%n abgelehnt</numerusform>
            <numerusform>%n abgelehnt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/peoplepage.cpp" line="243"/>
        <source>%n file(s) could not be read</source>
        <translation>
            <numerusform>%n Datei konnte nicht gelesen werden</numerusform>
            <numerusform>%n Dateien konnten nicht gelesen werden</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/peoplepage.cpp" line="245"/>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
</context>
<context>
    <name>PortalServer</name>
    <message>
        <location filename="../core/server/portalpages.cpp" line="94"/>
        <source>The app sent a bad request</source>
        <translation>Die App hat eine fehlerhafte Anfrage gesendet</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="95"/>
        <source>A POST to the authorization endpoint must be an HTML form (application/x-www-form-urlencoded).</source>
        <translation>Ein POST an den Autorisierungsendpunkt muss ein HTML-Formular sein (application/x-www-form-urlencoded).</translation>
    </message>
    <message>
        <location filename="../core/server/faultinjection.cpp" line="235"/>
        <source>The server could not answer</source>
        <translation>Der Server konnte nicht antworten</translation>
    </message>
    <message>
        <location filename="../core/server/faultinjection.cpp" line="274"/>
        <location filename="../core/server/portalpages.cpp" line="107"/>
        <source>The app sent a request that cannot be answered</source>
        <translation>Die App hat eine Anfrage gesendet, die sich nicht beantworten lässt</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="126"/>
        <source>This sign-in cannot continue</source>
        <translation>Diese Anmeldung kann nicht fortgesetzt werden</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="144"/>
        <source>Sign in to your patient portal.</source>
        <translation>Melden Sie sich in Ihrem Patientenportal an.</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="150"/>
        <location filename="../core/server/portalpages.cpp" line="195"/>
        <location filename="../core/server/portalpages.cpp" line="227"/>
        <location filename="../core/server/portalpages.cpp" line="256"/>
        <location filename="../core/server/portalpages.cpp" line="273"/>
        <location filename="../core/server/portalpages.cpp" line="326"/>
        <source>This sign-in has expired</source>
        <translation>Diese Anmeldung ist abgelaufen</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="156"/>
        <source>&lt;strong&gt;%1&lt;/strong&gt; wants to connect to your records. Sign in to continue.</source>
        <translation>&lt;strong&gt;%1&lt;/strong&gt; möchte auf Ihre Gesundheitsdaten zugreifen. Melden Sie sich an, um fortzufahren.</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="169"/>
        <source>Sign in</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="197"/>
        <location filename="../core/server/portalpages.cpp" line="203"/>
        <location filename="../core/server/portalpages.cpp" line="258"/>
        <location filename="../core/server/portalpages.cpp" line="329"/>
        <location filename="../core/server/portalpages.cpp" line="400"/>
        <source>The form is out of date</source>
        <translation>Das Formular ist veraltet</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="197"/>
        <location filename="../core/server/portalpages.cpp" line="203"/>
        <location filename="../core/server/portalpages.cpp" line="258"/>
        <location filename="../core/server/portalpages.cpp" line="329"/>
        <location filename="../core/server/portalpages.cpp" line="400"/>
        <source>Reload the page and try again.</source>
        <translation>Laden Sie die Seite neu und versuchen Sie es noch einmal.</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="235"/>
        <source>%1 (Yourself)</source>
        <translation>%1 (Sie selbst)</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="242"/>
        <source>Who are you representing?</source>
        <translation>Wen vertreten Sie?</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="264"/>
        <source>That patient cannot be chosen</source>
        <translation>Dieser Patient kann nicht gewählt werden</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="288"/>
        <source>You are signed in as %1.</source>
        <translation>Sie sind als %1 angemeldet.</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="297"/>
        <source>The app will see your own record.</source>
        <translation>Die App sieht Ihre eigene Akte.</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="298"/>
        <source>The app will see the record of &lt;strong&gt;%1&lt;/strong&gt;, whom you represent.</source>
        <translation>Die App sieht die Akte von &lt;strong&gt;%1&lt;/strong&gt;, die bzw. den Sie vertreten.</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="306"/>
        <source>Share your records?</source>
        <translation>Ihre Gesundheitsdaten freigeben?</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="347"/>
        <source>This approval cannot be completed</source>
        <translation>Diese Freigabe kann nicht abgeschlossen werden</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="370"/>
        <source>Revoked</source>
        <translation>Widerrufen</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="372"/>
        <source>Expired</source>
        <translation>Abgelaufen</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="374"/>
        <source>Sharing</source>
        <translation>Freigegeben</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="378"/>
        <source>Revoke</source>
        <translation>Widerrufen</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="385"/>
        <source>You have not authorized any app yet.</source>
        <translation>Sie haben noch keine App autorisiert.</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="387"/>
        <source>App</source>
        <translation>App</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="387"/>
        <source>Patient</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="387"/>
        <source>Shares</source>
        <translation>Freigaben</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="387"/>
        <source>Until</source>
        <translation>Bis</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="387"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="390"/>
        <source>Your apps</source>
        <translation>Ihre Apps</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="404"/>
        <source>Nothing was revoked</source>
        <translation>Nichts wurde widerrufen</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="414"/>
        <source>Signed out</source>
        <translation>Abgemeldet</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="414"/>
        <source>You are signed out of the portal.</source>
        <translation>Sie sind vom Portal abgemeldet.</translation>
    </message>
</context>
<context>
    <name>RequestLogModel</name>
    <message numerus="yes">
        <location filename="../ui/requestlogmodel.cpp" line="128"/>
        <source>%n finding(s):</source>
        <translation>
            <numerusform>%n Befund:</numerusform>
            <numerusform>%n Befunde:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/requestlogmodel.cpp" line="167"/>
        <source>%n finding(s)</source>
        <translation>
            <numerusform>%n Befund</numerusform>
            <numerusform>%n Befunde</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/requestlogmodel.cpp" line="167"/>
        <source>Fault injected</source>
        <translation>Fehler injiziert</translation>
    </message>
    <message>
        <location filename="../ui/requestlogmodel.cpp" line="181"/>
        <source>%1 (sandbox clock)</source>
        <translation>%1 (Sandbox-Uhr)</translation>
    </message>
    <message>
        <location filename="../ui/requestlogmodel.cpp" line="193"/>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <location filename="../ui/requestlogmodel.cpp" line="202"/>
        <source>Findings: rules the request broke or bent</source>
        <translation>Befunde: Regeln, die die Anfrage gebrochen oder gebogen hat</translation>
    </message>
    <message>
        <location filename="../ui/requestlogmodel.cpp" line="207"/>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <location filename="../ui/requestlogmodel.cpp" line="208"/>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <location filename="../ui/requestlogmodel.cpp" line="209"/>
        <source>Path</source>
        <translation>Pfad</translation>
    </message>
    <message>
        <location filename="../ui/requestlogmodel.cpp" line="210"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../ui/requestlogmodel.cpp" line="211"/>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <location filename="../ui/requestlogmodel.cpp" line="212"/>
        <source>Client</source>
        <translation>Client</translation>
    </message>
</context>
<context>
    <name>ResourceCountModel</name>
    <message>
        <location filename="../ui/peoplemodel.cpp" line="167"/>
        <source>Resource type</source>
        <translation>Ressourcentyp</translation>
    </message>
    <message>
        <location filename="../ui/peoplemodel.cpp" line="167"/>
        <source>Count</source>
        <translation>Anzahl</translation>
    </message>
</context>
<context>
    <name>SaveScenarioDialog</name>
    <message>
        <location filename="../ui/savescenariodialog.cpp" line="37"/>
        <source>Save scenario</source>
        <translation>Szenario speichern</translation>
    </message>
    <message>
        <location filename="../ui/savescenariodialog.cpp" line="39"/>
        <source>letters, digits, &apos;.&apos;, &apos;-&apos; or &apos;_&apos;</source>
        <translation>Buchstaben, Ziffern, &apos;.&apos;, &apos;-&apos; oder &apos;_&apos;</translation>
    </message>
    <message>
        <location filename="../ui/savescenariodialog.cpp" line="44"/>
        <source>optional</source>
        <translation>optional</translation>
    </message>
    <message>
        <location filename="../ui/savescenariodialog.cpp" line="46"/>
        <source>optional, such as launch patient/*.rs</source>
        <translation>optional, etwa launch patient/*.rs</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/savescenariodialog.cpp" line="49"/>
        <source>Keep the current fault rules (%n rule(s))</source>
        <translation>
            <numerusform>Die aktuelle Fehlerregel behalten (%n Regel)</numerusform>
            <numerusform>Die aktuellen Fehlerregeln behalten (%n Regeln)</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/savescenariodialog.cpp" line="61"/>
        <location filename="../ui/savescenariodialog.cpp" line="67"/>
        <location filename="../ui/savescenariodialog.cpp" line="103"/>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../ui/savescenariodialog.cpp" line="74"/>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <location filename="../ui/savescenariodialog.cpp" line="75"/>
        <source>&amp;Client:</source>
        <translation>&amp;Client:</translation>
    </message>
    <message>
        <location filename="../ui/savescenariodialog.cpp" line="76"/>
        <source>&amp;User:</source>
        <translation>&amp;Benutzer:</translation>
    </message>
    <message>
        <location filename="../ui/savescenariodialog.cpp" line="77"/>
        <source>&amp;Patient:</source>
        <translation>&amp;Patient:</translation>
    </message>
    <message>
        <location filename="../ui/savescenariodialog.cpp" line="78"/>
        <source>&amp;Encounter:</source>
        <translation>B&amp;esuch:</translation>
    </message>
    <message>
        <location filename="../ui/savescenariodialog.cpp" line="79"/>
        <source>&amp;Scope:</source>
        <translation>Sc&amp;ope:</translation>
    </message>
    <message>
        <location filename="../ui/savescenariodialog.cpp" line="98"/>
        <source>None: the app asks for one</source>
        <translation>Keiner: die App fragt nach einem</translation>
    </message>
</context>
<context>
    <name>ScenarioModel</name>
    <message>
        <location filename="../ui/scenariomodel.cpp" line="46"/>
        <source>(picker)</source>
        <translation>(Auswahl)</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/scenariomodel.cpp" line="48"/>
        <source>%n rule(s)</source>
        <translation>
            <numerusform>%n Regel</numerusform>
            <numerusform>%n Regeln</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/scenariomodel.cpp" line="59"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../ui/scenariomodel.cpp" line="60"/>
        <source>Client</source>
        <translation>Client</translation>
    </message>
    <message>
        <location filename="../ui/scenariomodel.cpp" line="61"/>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <location filename="../ui/scenariomodel.cpp" line="62"/>
        <source>Patient</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../ui/scenariomodel.cpp" line="63"/>
        <source>Encounter</source>
        <translation>Besuch</translation>
    </message>
    <message>
        <location filename="../ui/scenariomodel.cpp" line="64"/>
        <source>Fault rules</source>
        <translation>Fehlerregeln</translation>
    </message>
</context>
<context>
    <name>ScenariosDialog</name>
    <message>
        <location filename="../ui/scenariosdialog.cpp" line="30"/>
        <source>&amp;Launch</source>
        <translation>S&amp;tarten</translation>
    </message>
    <message>
        <location filename="../ui/scenariosdialog.cpp" line="31"/>
        <source>&amp;Save current…</source>
        <translation>&amp;Aktuellen Stand speichern…</translation>
    </message>
    <message>
        <location filename="../ui/scenariosdialog.cpp" line="32"/>
        <source>&amp;Remove</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <location filename="../ui/scenariosdialog.cpp" line="35"/>
        <source>Scenarios</source>
        <translation>Szenarien</translation>
    </message>
    <message>
        <location filename="../ui/scenariosdialog.cpp" line="43"/>
        <source>No saved scenarios yet. Use Save current… to keep a client, user, patient and the current fault rules under a name, then launch them with one click.</source>
        <translation>Noch keine gespeicherten Szenarien. Mit „Aktuellen Stand speichern…“ einen Client, Benutzer, Patienten und die aktuellen Fehlerregeln unter einem Namen ablegen und dann mit einem Klick starten.</translation>
    </message>
    <message>
        <location filename="../ui/scenariosdialog.cpp" line="52"/>
        <source>Apply the scenario&apos;s fault rules, create its launch and open the app</source>
        <translation>Die Fehlerregeln des Szenarios anwenden, seinen Start anlegen und die App öffnen</translation>
    </message>
    <message>
        <location filename="../ui/scenariosdialog.cpp" line="84"/>
        <source>Cannot launch %1: %2</source>
        <translation>%1 kann nicht gestartet werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/scenariosdialog.cpp" line="87"/>
        <source>The launch was created (launch %1), but client %2 registered no launch URL to open.</source>
        <translation>Der Start wurde angelegt (launch %1), aber Client %2 hat keine Start-URL registriert, die sich öffnen ließe.</translation>
    </message>
    <message>
        <location filename="../ui/scenariosdialog.cpp" line="91"/>
        <source>No browser could open %1</source>
        <translation>Kein Browser konnte %1 öffnen</translation>
    </message>
    <message>
        <location filename="../ui/scenariosdialog.cpp" line="137"/>
        <source>Select a scenario first.</source>
        <translation>Zuerst ein Szenario auswählen.</translation>
    </message>
    <message>
        <location filename="../ui/scenariosdialog.cpp" line="156"/>
        <source>Remove scenario</source>
        <translation>Szenario entfernen</translation>
    </message>
    <message>
        <location filename="../ui/scenariosdialog.cpp" line="156"/>
        <source>Remove the scenario %1? Its fault rules stay.</source>
        <translation>Das Szenario %1 entfernen? Seine Fehlerregeln bleiben bestehen.</translation>
    </message>
    <message>
        <location filename="../ui/scenariosdialog.cpp" line="157"/>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
</context>
<context>
    <name>ScenariosMenu</name>
    <message>
        <location filename="../ui/scenariosmenu.cpp" line="13"/>
        <source>Sce&amp;narios</source>
        <translation>Szenar&amp;ien</translation>
    </message>
    <message>
        <location filename="../ui/scenariosmenu.cpp" line="28"/>
        <source>Launch %1</source>
        <translation>%1 starten</translation>
    </message>
    <message>
        <location filename="../ui/scenariosmenu.cpp" line="30"/>
        <source>Apply its fault rules, create the launch and open the app in the browser</source>
        <translation>Seine Fehlerregeln anwenden, den Start anlegen und die App im Browser öffnen</translation>
    </message>
    <message>
        <location filename="../ui/scenariosmenu.cpp" line="37"/>
        <source>Launch scenario</source>
        <translation>Szenario starten</translation>
    </message>
    <message>
        <location filename="../ui/scenariosmenu.cpp" line="41"/>
        <source>No saved scenarios</source>
        <translation>Keine gespeicherten Szenarien</translation>
    </message>
    <message>
        <location filename="../ui/scenariosmenu.cpp" line="45"/>
        <source>&amp;Manage scenarios…</source>
        <translation>Szenarien &amp;verwalten…</translation>
    </message>
    <message>
        <location filename="../ui/scenariosmenu.cpp" line="53"/>
        <source>Save c&amp;urrent…</source>
        <translation>&amp;Aktuellen Stand speichern…</translation>
    </message>
</context>
<context>
    <name>Scopes</name>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="175"/>
        <source>Open within your health record system, with its context</source>
        <translation>Innerhalb Ihres Patientenaktensystems öffnen, mit dessen Kontext</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="178"/>
        <source>Know which patient&apos;s record you chose</source>
        <translation>Wissen, wessen Akte Sie gewählt haben</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="180"/>
        <source>Know which visit (encounter) is open</source>
        <translation>Wissen, welcher Besuch (Encounter) offen ist</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="181"/>
        <source>Know the launch context &quot;%1&quot;</source>
        <translation>Den Startkontext „%1“ kennen</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="182"/>
        <source>Confirm who you are (sign you in)</source>
        <translation>Bestätigen, wer Sie sind (Sie anmelden)</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="184"/>
        <source>Know who you are: your name and your own record</source>
        <translation>Wissen, wer Sie sind: Ihren Namen und Ihre eigene Akte</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="185"/>
        <source>Keep access when you are not using the app, until the date below</source>
        <translation>Zugriff behalten, wenn Sie die App nicht benutzen, bis zum Datum unten</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="186"/>
        <source>Keep access while you are using the app</source>
        <translation>Zugriff behalten, solange Sie die App benutzen</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="192"/>
        <source>read</source>
        <translation>Lesen</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="194"/>
        <source>search</source>
        <translation>Durchsuchen</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="196"/>
        <source>add to</source>
        <translation>Ergänzen</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="198"/>
        <source>change</source>
        <translation>Ändern</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="200"/>
        <source>delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="201"/>
        <source>all records</source>
        <translation>aller Datensätze</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="201"/>
        <source>records of type %1</source>
        <translation>der Datensätze vom Typ %1</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="204"/>
        <source>of the chosen patient</source>
        <translation>des gewählten Patienten</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="206"/>
        <source>that you can see</source>
        <translation>im Rahmen Ihrer Sichtrechte</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="208"/>
        <source>of every patient (system access)</source>
        <translation>aller Patienten (Systemzugriff)</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="214"/>
        <source>, only where %1</source>
        <translation>, nur wo %1</translation>
    </message>
</context>
<context>
    <name>SelfCheckDialog</name>
    <message>
        <location filename="../ui/selfcheckdialog.cpp" line="80"/>
        <source>Self-check of %1</source>
        <translation>Selbsttest von %1</translation>
    </message>
    <message>
        <location filename="../ui/selfcheckdialog.cpp" line="91"/>
        <source>&amp;Run again</source>
        <translation>&amp;Erneut ausführen</translation>
    </message>
    <message>
        <location filename="../ui/selfcheckdialog.cpp" line="97"/>
        <source>Conformance checks of the authorization server and the FHIR endpoints, made over HTTP as an app makes them. The check signs in as daniel-adams, registers a client of its own and deletes it at the end.</source>
        <translation>Konformitätsprüfungen des Autorisierungsservers und der FHIR-Endpunkte, über HTTP ausgeführt, wie eine App sie ausführt. Der Test meldet sich als daniel-adams an, registriert einen eigenen Client und löscht ihn am Ende.</translation>
    </message>
    <message>
        <location filename="../ui/selfcheckdialog.cpp" line="118"/>
        <source>Running…</source>
        <translation>Läuft…</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/selfcheckdialog.cpp" line="136"/>
        <source>All %n check(s) passed.</source>
        <translation>
            <numerusform>%n Prüfung bestanden.</numerusform>
            <numerusform>Alle %n Prüfungen bestanden.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/selfcheckdialog.cpp" line="138"/>
        <source>%n of %1 check(s) failed.</source>
        <translation>
            <numerusform>%n von %1 Prüfungen ist fehlgeschlagen.</numerusform>
            <numerusform>%n von %1 Prüfungen sind fehlgeschlagen.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/selfcheckdialog.cpp" line="141"/>
        <source>The server did not answer; is it running?</source>
        <translation>Der Server hat nicht geantwortet; läuft er?</translation>
    </message>
</context>
<context>
    <name>SelfCheckModel</name>
    <message>
        <location filename="../ui/selfcheckdialog.cpp" line="48"/>
        <source>pass</source>
        <translation>bestanden</translation>
    </message>
    <message>
        <location filename="../ui/selfcheckdialog.cpp" line="48"/>
        <source>FAIL</source>
        <translation>FEHLGESCHLAGEN</translation>
    </message>
    <message>
        <location filename="../ui/selfcheckdialog.cpp" line="64"/>
        <source>Check</source>
        <translation>Prüfung</translation>
    </message>
    <message>
        <location filename="../ui/selfcheckdialog.cpp" line="65"/>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <location filename="../ui/selfcheckdialog.cpp" line="66"/>
        <source>Rule</source>
        <translation>Regel</translation>
    </message>
    <message>
        <location filename="../ui/selfcheckdialog.cpp" line="67"/>
        <source>Detail</source>
        <translation>Detail</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="39"/>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="42"/>
        <source>any free port</source>
        <translation>beliebiger freier Port</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="43"/>
        <source>The port the server listens on (--port); 0 picks a free one</source>
        <translation>Der Port, auf dem der Server lauscht (--port); 0 wählt einen freien</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="45"/>
        <source>The address to listen on (--bind): 127.0.0.1 keeps the sandbox to this computer</source>
        <translation>Die Adresse, auf der gelauscht wird (--bind): 127.0.0.1 beschränkt die Sandbox auf diesen Computer</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="47"/>
        <source>empty: each request&apos;s Host</source>
        <translation>leer: der Host der jeweiligen Anfrage</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="48"/>
        <source>The public origin written into every URL the server gives out (--base-url)</source>
        <translation>Der öffentliche Ursprung, der in jede vom Server ausgegebene URL geschrieben wird (--base-url)</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="50"/>
        <source>empty: the built-in FHIR data</source>
        <translation>leer: die eingebauten FHIR-Daten</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="52"/>
        <source>Serve /api/fhir from this FHIR server, with the sandbox&apos;s access control (--upstream)</source>
        <translation>/api/fhir aus diesem FHIR-Server bedienen, mit der Zugriffskontrolle der Sandbox (--upstream)</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="54"/>
        <source>A SQLite file, :memory: or a postgresql:// URL (--db); used from the next start</source>
        <translation>Eine SQLite-Datei, :memory: oder eine postgresql://-URL (--db); gilt ab dem nächsten Start</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="57"/>
        <source>empty: admin endpoints on loopback only</source>
        <translation>leer: Admin-Endpunkte nur über Loopback</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="58"/>
        <source>Require this key on the admin endpoints, and allow them off loopback (--admin-key); at least 8 characters</source>
        <translation>Diesen Schlüssel an den Admin-Endpunkten verlangen und sie auch außerhalb von Loopback erlauben (--admin-key); mindestens 8 Zeichen</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="62"/>
        <source>Keep at most this many exchanges in the request log (--log-cap)</source>
        <translation>Höchstens so viele Austausche im Anfrageprotokoll behalten (--log-cap)</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="74"/>
        <source>&amp;Port:</source>
        <translation>&amp;Port:</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="75"/>
        <source>&amp;Bind address:</source>
        <translation>&amp;Bind-Adresse:</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="76"/>
        <source>Base &amp;URL:</source>
        <translation>Basis-&amp;URL:</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="77"/>
        <source>Up&amp;stream FHIR URL:</source>
        <translation>Upstream-&amp;FHIR-URL:</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="78"/>
        <source>&amp;Database:</source>
        <translation>&amp;Datenbank:</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="79"/>
        <source>&amp;Admin key:</source>
        <translation>&amp;Admin-Schlüssel:</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="80"/>
        <source>Request &amp;log cap:</source>
        <translation>Anfrageprotokoll-&amp;Limit:</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="81"/>
        <source>Options given on the command line win over these at the next start.</source>
        <translation>Auf der Kommandozeile angegebene Optionen haben beim nächsten Start Vorrang vor diesen.</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="89"/>
        <source>Save and restart the listener; clients, tokens and the request log stay</source>
        <translation>Speichern und den Listener neu starten; Clients, Tokens und das Anfrageprotokoll bleiben</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="143"/>
        <source>The bind address must be an IP address such as 127.0.0.1 or ::1.</source>
        <translation>Die Bind-Adresse muss eine IP-Adresse wie 127.0.0.1 oder ::1 sein.</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="155"/>
        <source>%1 must be an absolute http or https URL without query or fragment, not &quot;%2&quot;.</source>
        <translation>%1 muss eine absolute http- oder https-URL ohne Query und Fragment sein, nicht „%2“.</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="156"/>
        <source>The base URL</source>
        <translation>Die Basis-URL</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="156"/>
        <source>The upstream FHIR URL</source>
        <translation>Die Upstream-FHIR-URL</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="163"/>
        <source>The admin key must be at least 8 characters long, or empty.</source>
        <translation>Der Admin-Schlüssel muss mindestens 8 Zeichen lang oder leer sein.</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="168"/>
        <source>The database needs a file name, :memory: or a postgresql:// URL.</source>
        <translation>Die Datenbank braucht einen Dateinamen, :memory: oder eine postgresql://-URL.</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="176"/>
        <source>The server cannot listen with these settings, so it keeps the previous ones: %1</source>
        <translation>Der Server kann mit diesen Einstellungen nicht lauschen und behält daher die bisherigen: %1</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="187"/>
        <source>Listening on %1.</source>
        <translation>Lauscht auf %1.</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="190"/>
        <source>The database changes to %1 at the next start; until then this one stays in use.</source>
        <translation>Die Datenbank wechselt beim nächsten Start zu %1; bis dahin bleibt die bisherige in Gebrauch.</translation>
    </message>
</context>
<context>
    <name>TimeTravelDialog</name>
    <message>
        <location filename="../ui/timetraveldialog.cpp" line="40"/>
        <source>Travel in time</source>
        <translation>Zeitreise</translation>
    </message>
    <message>
        <location filename="../ui/timetraveldialog.cpp" line="43"/>
        <source>How far to move the sandbox clock; a negative amount goes back</source>
        <translation>Wie weit die Sandbox-Uhr verstellt wird; ein negativer Wert geht zurück</translation>
    </message>
    <message>
        <location filename="../ui/timetraveldialog.cpp" line="45"/>
        <source>minutes</source>
        <translation>Minuten</translation>
    </message>
    <message>
        <location filename="../ui/timetraveldialog.cpp" line="46"/>
        <source>hours</source>
        <translation>Stunden</translation>
    </message>
    <message>
        <location filename="../ui/timetraveldialog.cpp" line="47"/>
        <source>days</source>
        <translation>Tage</translation>
    </message>
    <message>
        <location filename="../ui/timetraveldialog.cpp" line="55"/>
        <source>&amp;Move the clock by</source>
        <translation>Uhr verstellen &amp;um</translation>
    </message>
    <message>
        <location filename="../ui/timetraveldialog.cpp" line="59"/>
        <source>&amp;Travel</source>
        <translation>&amp;Reisen</translation>
    </message>
    <message>
        <location filename="../ui/timetraveldialog.cpp" line="100"/>
        <source>The clock stays where it is.</source>
        <translation>Die Uhr bleibt, wo sie ist.</translation>
    </message>
    <message>
        <location filename="../ui/timetraveldialog.cpp" line="102"/>
        <source>Tokens, codes and approvals age by this much: countdowns fall and expiries pass.</source>
        <translation>Tokens, Codes und Freigaben altern um so viel: Countdowns sinken und Abläufe treten ein.</translation>
    </message>
    <message>
        <location filename="../ui/timetraveldialog.cpp" line="104"/>
        <source>The clock goes back: expired tokens may become active again until they expire anew.</source>
        <translation>Die Uhr geht zurück: abgelaufene Tokens können wieder aktiv werden, bis sie erneut ablaufen.</translation>
    </message>
</context>
<context>
    <name>TimeTravelWidget</name>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="23"/>
        <source>T&amp;ime</source>
        <translation>&amp;Zeit</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="30"/>
        <source>+1 &amp;minute</source>
        <translation>+1 &amp;Minute</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="30"/>
        <source>Move the sandbox clock one minute ahead</source>
        <translation>Die Sandbox-Uhr eine Minute vorstellen</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="31"/>
        <source>Move the sandbox clock one hour ahead</source>
        <translation>Die Sandbox-Uhr eine Stunde vorstellen</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="31"/>
        <source>+1 hou&amp;r</source>
        <translation>+1 Stu&amp;nde</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="32"/>
        <source>+1 &amp;day</source>
        <translation>+1 &amp;Tag</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="32"/>
        <source>Move the sandbox clock one day ahead</source>
        <translation>Die Sandbox-Uhr einen Tag vorstellen</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="37"/>
        <source>Move the sandbox clock by a duration you choose</source>
        <translation>Die Sandbox-Uhr um eine selbst gewählte Dauer verstellen</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="37"/>
        <source>C&amp;ustom…</source>
        <translation>Ben&amp;utzerdefiniert…</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="40"/>
        <source>&amp;Back to now</source>
        <translation>Zu&amp;rück zu jetzt</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="40"/>
        <source>Return the sandbox clock to real time</source>
        <translation>Die Sandbox-Uhr auf Echtzeit zurücksetzen</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="45"/>
        <source>Time travel</source>
        <translation>Zeitreise</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="46"/>
        <source>Move the sandbox clock: tokens, codes and approvals expire as if time had passed</source>
        <translation>Die Sandbox-Uhr verstellen: Tokens, Codes und Freigaben laufen ab, als wäre Zeit vergangen</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="119"/>
        <source>%1 UTC</source>
        <translation>%1 UTC</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="119"/>
        <source>%1 UTC (travelled %2)</source>
        <translation>%1 UTC (verstellt um %2)</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="126"/>
        <source>The sandbox clock is moved from real time; Back to now undoes it</source>
        <translation>Die Sandbox-Uhr weicht von der Echtzeit ab; „Zurück zu jetzt“ macht das rückgängig</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="127"/>
        <source>The sandbox clock, which every expiry and countdown reads</source>
        <translation>Die Sandbox-Uhr, nach der sich jeder Ablauf und Countdown richtet</translation>
    </message>
</context>
<context>
    <name>TokenModel</name>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="119"/>
        <source>%1 d %2 h</source>
        <translation>%1 d %2 h</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="121"/>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="123"/>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="124"/>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="133"/>
        <location filename="../ui/tokenmodel.cpp" line="212"/>
        <source>expired</source>
        <translation>abgelaufen</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="179"/>
        <source>Access token expires %1</source>
        <translation>Access-Token läuft ab: %1</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="184"/>
        <source>The refresh token works until the approval expires on %1</source>
        <translation>Das Refresh-Token gilt, bis die Freigabe am %1 abläuft</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="187"/>
        <source>No refresh token was issued</source>
        <translation>Es wurde kein Refresh-Token ausgestellt</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="191"/>
        <source>Minted without a defect (%1 access token)</source>
        <translation>Ohne Defekt ausgestellt (%1-Access-Token)</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="192"/>
        <source>Broken on purpose: %1</source>
        <translation>Absichtlich beschädigt: %1</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="211"/>
        <source>active</source>
        <translation>aktiv</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="213"/>
        <source>revoked</source>
        <translation>widerrufen</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="226"/>
        <source>Client</source>
        <translation>Client</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="227"/>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="228"/>
        <source>Patient</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="229"/>
        <source>Scope</source>
        <translation>Scope</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="230"/>
        <source>Issued</source>
        <translation>Ausgestellt</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="231"/>
        <source>Expires in</source>
        <translation>Läuft ab in</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="232"/>
        <source>Refresh until</source>
        <translation>Erneuerbar bis</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="233"/>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="234"/>
        <source>Defect</source>
        <translation>Defekt</translation>
    </message>
</context>
<context>
    <name>TokensPage</name>
    <message>
        <location filename="../ui/tokenspage.cpp" line="37"/>
        <location filename="../ui/tokenspage.cpp" line="91"/>
        <source>Copy token</source>
        <translation>Token kopieren</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="38"/>
        <source>Copy the access token (Ctrl+C)</source>
        <translation>Das Access-Token kopieren (Strg+C)</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="39"/>
        <source>Copy curl</source>
        <translation>curl kopieren</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="40"/>
        <source>Copy a curl command that reads the token&apos;s patient</source>
        <translation>Einen curl-Befehl kopieren, der den Patienten des Tokens liest</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="41"/>
        <location filename="../ui/tokenspage.cpp" line="93"/>
        <source>Revoke…</source>
        <translation>Widerrufen…</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="42"/>
        <source>Revoke the access and refresh token (Delete)</source>
        <translation>Access- und Refresh-Token widerrufen (Entf)</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="43"/>
        <source>Expire now</source>
        <translation>Jetzt ablaufen lassen</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="44"/>
        <source>End the access token now; its refresh token stays usable</source>
        <translation>Das Access-Token jetzt beenden; sein Refresh-Token bleibt nutzbar</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="46"/>
        <source>Extend +1 h</source>
        <translation>+1 h verlängern</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="47"/>
        <source>Give the access token one more hour (counted from now if it has expired); a revoked token stays revoked</source>
        <translation>Dem Access-Token eine Stunde mehr geben (ab jetzt gerechnet, falls es abgelaufen ist); ein widerrufenes Token bleibt widerrufen</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="51"/>
        <source>Introspect…</source>
        <translation>Introspektion…</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="52"/>
        <source>Show what the introspection endpoint (RFC 7662) answers for the access token</source>
        <translation>Zeigen, was der Introspektionsendpunkt (RFC 7662) für das Access-Token antwortet</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="59"/>
        <source>Filter by client, user, patient, scope or state (Ctrl+F)</source>
        <translation>Nach Client, Benutzer, Patient, Scope oder Zustand filtern (Strg+F)</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="137"/>
        <source>No tokens yet. Mint one with Mint token (Ctrl+T), or let an app sign in through %1.</source>
        <translation>Noch keine Tokens. Stellen Sie eines mit „Token ausstellen“ (Strg+T) aus oder lassen Sie eine App sich über %1 anmelden.</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="186"/>
        <location filename="../ui/tokenspage.cpp" line="226"/>
        <source>%1 for %2</source>
        <translation>%1 für %2</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="187"/>
        <source>Revoke token</source>
        <translation>Token widerrufen</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="188"/>
        <source>Revoke the token of %1? Its access token and refresh token stop working at once.</source>
        <translation>Das Token von %1 widerrufen? Access- und Refresh-Token funktionieren sofort nicht mehr.</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="189"/>
        <source>Revoke</source>
        <translation>Widerrufen</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="227"/>
        <source>Introspection of the token of %1</source>
        <translation>Introspektion des Tokens von %1</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="233"/>
        <source>Tokens</source>
        <translation>Tokens</translation>
    </message>
</context>
<context>
    <name>TrafficPage</name>
    <message>
        <location filename="../ui/trafficpage.cpp" line="70"/>
        <source>Filter by path, method, status or client (Ctrl+F)</source>
        <translation>Nach Pfad, Methode, Status oder Client filtern (Strg+F)</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="75"/>
        <source>Pause</source>
        <translation>Anhalten</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="77"/>
        <source>Hold new requests back; they appear when you resume</source>
        <translation>Neue Anfragen zurückhalten; sie erscheinen beim Fortsetzen</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="81"/>
        <source>Follow newest</source>
        <translation>Neueste folgen</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="84"/>
        <source>Scroll to each new request as it arrives</source>
        <translation>Zu jeder neuen Anfrage scrollen, sobald sie eintrifft</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="86"/>
        <location filename="../ui/trafficpage.cpp" line="122"/>
        <source>Copy as curl</source>
        <translation>Als curl kopieren</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="87"/>
        <source>Copy a curl command that sends this request again (Ctrl+Shift+C; Ctrl+C in the table)</source>
        <translation>Einen curl-Befehl kopieren, der diese Anfrage erneut sendet (Strg+Umschalt+C; Strg+C in der Tabelle)</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="92"/>
        <source>Replay</source>
        <translation>Wiederholen</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="92"/>
        <source>Send this request again to the running server (Ctrl+R)</source>
        <translation>Diese Anfrage erneut an den laufenden Server senden (Strg+R)</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="95"/>
        <source>Export HAR…</source>
        <translation>Als HAR exportieren…</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="96"/>
        <source>Save the requests shown (all that match the filter) as an HTTP Archive (Ctrl+S)</source>
        <translation>Die angezeigten Anfragen (alle, die zum Filter passen) als HTTP-Archiv speichern (Strg+S)</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="99"/>
        <source>Export selected as HAR…</source>
        <translation>Auswahl als HAR exportieren…</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="100"/>
        <source>Save the selected requests as an HTTP Archive</source>
        <translation>Die ausgewählten Anfragen als HTTP-Archiv speichern</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="102"/>
        <source>Clear…</source>
        <translation>Leeren…</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="102"/>
        <source>Delete every logged request</source>
        <translation>Alle protokollierten Anfragen löschen</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="144"/>
        <source>Replayed: the server answered %1</source>
        <translation>Wiederholt: Der Server antwortete %1</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="146"/>
        <source>The replay failed: %1</source>
        <translation>Die Wiederholung ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="186"/>
        <source>No traffic yet: point your app at %1</source>
        <translation>Noch kein Datenverkehr: Richten Sie Ihre App auf %1</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="263"/>
        <source>Copied as curl; the log kept only part of the body, so the command sends less</source>
        <translation>Als curl kopiert; das Protokoll hat nur einen Teil des Bodys behalten, der Befehl sendet also weniger</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="264"/>
        <source>Copied %1 %2 as curl</source>
        <translation>%1 %2 als curl kopiert</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="276"/>
        <source>Replaying %1 %2…</source>
        <translation>%1 %2 wird wiederholt…</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="283"/>
        <source>There are no requests to export</source>
        <translation>Es gibt keine Anfragen zum Exportieren</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="292"/>
        <source>Export HAR</source>
        <translation>HAR exportieren</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="292"/>
        <source>HTTP Archive (*.har);;All files (*)</source>
        <translation>HTTP-Archiv (*.har);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="306"/>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/trafficpage.cpp" line="310"/>
        <source>Exported %n request(s) to %1</source>
        <translation>
            <numerusform>%n Anfrage nach %1 exportiert</numerusform>
            <numerusform>%n Anfragen nach %1 exportiert</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="316"/>
        <source>Clear the request log</source>
        <translation>Anfrageprotokoll leeren</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="317"/>
        <source>Delete every logged request, here and in the database? This cannot be undone.</source>
        <translation>Alle protokollierten Anfragen löschen, hier und in der Datenbank? Das lässt sich nicht rückgängig machen.</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="317"/>
        <source>Clear</source>
        <translation>Leeren</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="320"/>
        <source>The request log was not cleared: %1</source>
        <translation>Das Anfrageprotokoll wurde nicht geleert: %1</translation>
    </message>
</context>
<context>
    <name>UiHelpers</name>
    <message>
        <location filename="../ui/uihelpers.cpp" line="87"/>
        <location filename="../ui/uihelpers.cpp" line="161"/>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../app/main.cpp" line="78"/>
        <source>SMART Sandbox</source>
        <translation>SMART Sandbox</translation>
    </message>
    <message>
        <location filename="../app/main.cpp" line="104"/>
        <source>SMART Sandbox cannot start</source>
        <translation>SMART Sandbox kann nicht starten</translation>
    </message>
</context>
</TS>
