<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es" sourcelanguage="en">
<context>
    <name>ClientDialog</name>
    <message>
        <location filename="../ui/clientdialog.cpp" line="59"/>
        <source>Register client</source>
        <translation>Registrar cliente</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="72"/>
        <source>Edit client %1</source>
        <translation>Editar el cliente %1</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="91"/>
        <source>My SMART app</source>
        <translation>Mi app SMART</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="91"/>
        <source>client_name: what the consent page shows</source>
        <translation>client_name: lo que muestra la página de autorización</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="98"/>
        <source>redirect_uris: where the sandbox may send the browser back; double-click to edit</source>
        <translation>redirect_uris: adónde puede la sandbox devolver el navegador; doble clic para editar</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="102"/>
        <source>http://localhost:3000/callback, then Enter</source>
        <translation>http://localhost:3000/callback y luego Intro</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="106"/>
        <source>Add</source>
        <translation>Añadir</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="107"/>
        <source>Add the URI to the list</source>
        <translation>Añadir la URI a la lista</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="110"/>
        <source>Remove</source>
        <translation>Quitar</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="111"/>
        <source>Remove the selected URI (Delete)</source>
        <translation>Quitar la URI seleccionada (Supr)</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="137"/>
        <source>token_endpoint_auth_method: how the app proves who it is at the token endpoint</source>
        <translation>token_endpoint_auth_method: cómo demuestra la app quién es en el endpoint de token</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="138"/>
        <source>none (public app: browser or phone, PKCE only)</source>
        <translation>none (app pública: navegador o móvil, solo PKCE)</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="139"/>
        <source>client_secret_basic (confidential: secret in the Authorization header)</source>
        <translation>client_secret_basic (confidencial: secreto en la cabecera Authorization)</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="141"/>
        <source>client_secret_post (confidential: secret in the form)</source>
        <translation>client_secret_post (confidencial: secreto en el formulario)</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="142"/>
        <source>private_key_jwt (asymmetric: a signed assertion, SMART&apos;s preferred way)</source>
        <translation>private_key_jwt (asimétrico: una aserción firmada, la vía preferida de SMART)</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="154"/>
        <source>A person signs in and approves</source>
        <translation>Una persona inicia sesión y autoriza</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="155"/>
        <source>The app may refresh its tokens</source>
        <translation>La app puede renovar sus tokens</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="157"/>
        <source>A backend service without a person (SMART Backend Services)</source>
        <translation>Un servicio backend sin persona (SMART Backend Services)</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="158"/>
        <source>response_types: SMART uses &quot;code&quot;</source>
        <translation>response_types: SMART usa «code»</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="166"/>
        <source>launch openid fhirUser patient/*.rs</source>
        <translation>launch openid fhirUser patient/*.rs</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="167"/>
        <source>scope: the most the app may ask for, space-separated; empty: the sandbox default</source>
        <translation>scope: lo máximo que puede pedir la app, separado por espacios; vacío: el valor por defecto de la sandbox</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="170"/>
        <source>Add scope</source>
        <translation>Añadir ámbito</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="171"/>
        <source>Add a common SMART scope</source>
        <translation>Añadir un ámbito SMART habitual</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="175"/>
        <source>EHR launch context</source>
        <translation>contexto de lanzamiento desde el EHR</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="176"/>
        <source>standalone launch: pick a patient</source>
        <translation>lanzamiento independiente: elegir un paciente</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="177"/>
        <source>standalone launch: an encounter</source>
        <translation>lanzamiento independiente: una visita (encuentro)</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="178"/>
        <source>who signed in (id_token)</source>
        <translation>quién inició sesión (id_token)</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="179"/>
        <source>refresh tokens that outlive the session</source>
        <translation>tokens de refresco que sobreviven a la sesión</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="180"/>
        <source>refresh tokens while the session lasts</source>
        <translation>tokens de refresco mientras dure la sesión</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="181"/>
        <source>read and search the patient&apos;s data (SMART v2)</source>
        <translation>leer y buscar los datos del paciente (SMART v2)</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="182"/>
        <source>read the patient&apos;s data (SMART v1)</source>
        <translation>leer los datos del paciente (SMART v1)</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="183"/>
        <source>read and search what the user may see</source>
        <translation>leer y buscar lo que el usuario puede ver</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="184"/>
        <source>backend services: read and search everything</source>
        <translation>servicios backend: leer y buscar todo</translation>
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
        <translation>launch_uri (extensión de la sandbox): la URL de lanzamiento EHR de la app, que Sandbox ▸ Lanzamiento EHR abre con iss y launch</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="199"/>
        <source>https://app.example.org/.well-known/jwks.json</source>
        <translation>https://app.example.org/.well-known/jwks.json</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="200"/>
        <source>jwks_uri: where the sandbox fetches the app&apos;s public keys</source>
        <translation>jwks_uri: de dónde obtiene la sandbox las claves públicas de la app</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="203"/>
        <source>or paste the JWK Set: {&quot;keys&quot;: [ … ]}</source>
        <translation>o pegar el JWK Set: {&quot;keys&quot;: [ … ]}</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="204"/>
        <source>jwks: the app&apos;s public keys, instead of jwks_uri</source>
        <translation>jwks: las claves públicas de la app, en lugar de jwks_uri</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="209"/>
        <source>dev@example.org, ops@example.org</source>
        <translation>dev@example.org, ops@example.org</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="210"/>
        <source>contacts: e-mail addresses, separated by commas</source>
        <translation>contacts: direcciones de correo electrónico, separadas por comas</translation>
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
        <translation>client_uri: la página de inicio de la app</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="214"/>
        <source>software_id: the same for every install</source>
        <translation>software_id: la misma en cada instalación</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="215"/>
        <source>software_version</source>
        <translation>software_version</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="218"/>
        <source>&amp;Name:</source>
        <translation>&amp;Nombre:</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="219"/>
        <source>&amp;Redirect URIs:</source>
        <translation>URI de &amp;redirección:</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="222"/>
        <source>&amp;Authentication:</source>
        <translation>&amp;Autenticación:</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="223"/>
        <source>&amp;Grant types:</source>
        <translation>Tipos de &amp;concesión:</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="226"/>
        <source>Response types:</source>
        <translation>Tipos de respuesta:</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="227"/>
        <source>&amp;Scope:</source>
        <translation>Á&amp;mbito:</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="230"/>
        <source>&amp;Launch URL:</source>
        <translation>URL de &amp;lanzamiento:</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="231"/>
        <source>&amp;JWKS URL:</source>
        <translation>URL de &amp;JWKS:</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="232"/>
        <source>JW&amp;KS:</source>
        <translation>JW&amp;KS:</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="236"/>
        <source>About the app (optional)</source>
        <translation>Sobre la app (opcional)</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="238"/>
        <source>Con&amp;tacts:</source>
        <translation>Con&amp;tactos:</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="239"/>
        <source>L&amp;ogo URL:</source>
        <translation>URL del l&amp;ogo:</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="240"/>
        <source>&amp;Home page:</source>
        <translation>&amp;Página de inicio:</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="241"/>
        <source>Software &amp;ID:</source>
        <translation>&amp;ID de software:</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="242"/>
        <source>Software &amp;version:</source>
        <translation>&amp;Versión del software:</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="253"/>
        <source>Save</source>
        <translation>Guardar</translation>
    </message>
    <message>
        <location filename="../ui/clientdialog.cpp" line="253"/>
        <source>Register</source>
        <translation>Registrar</translation>
    </message>
</context>
<context>
    <name>ClientModel</name>
    <message>
        <location filename="../ui/clientmodel.cpp" line="93"/>
        <source>public</source>
        <translation>público</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="94"/>
        <source>confidential</source>
        <translation>confidencial</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="95"/>
        <source>asymmetric</source>
        <translation>asimétrico</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="96"/>
        <source>backend</source>
        <translation>backend</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="127"/>
        <source>token_endpoint_auth_method: %1</source>
        <translation>token_endpoint_auth_method: %1</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="130"/>
        <source>Access tokens are JWTs signed by the sandbox (RFC 9068)</source>
        <translation>Los tokens de acceso son JWT firmados por la sandbox (RFC 9068)</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="131"/>
        <source>Access tokens are random strings</source>
        <translation>Los tokens de acceso son cadenas aleatorias</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="140"/>
        <source>JWT</source>
        <translation>JWT</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="140"/>
        <source>opaque</source>
        <translation>opaco</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="155"/>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="156"/>
        <source>Client ID</source>
        <translation>ID de cliente</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="157"/>
        <source>Type</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="158"/>
        <source>Access tokens</source>
        <translation>Tokens de acceso</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="159"/>
        <source>Redirect URIs</source>
        <translation>URI de redirección</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="160"/>
        <source>Scope</source>
        <translation>Ámbito</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="161"/>
        <source>Registered</source>
        <translation>Registrado</translation>
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
        <translation>Registrar…</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="40"/>
        <source>Register a new client, as POST /oauth/register does (Ctrl+N)</source>
        <translation>Registrar un cliente nuevo, como hace POST /oauth/register (Ctrl+N)</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="43"/>
        <location filename="../ui/clientspage.cpp" line="111"/>
        <source>Edit…</source>
        <translation>Editar…</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="43"/>
        <source>Change the client&apos;s registration (F2)</source>
        <translation>Cambiar el registro del cliente (F2)</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="45"/>
        <location filename="../ui/clientspage.cpp" line="109"/>
        <source>Copy ID</source>
        <translation>Copiar ID</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="45"/>
        <source>Copy the client_id (Ctrl+C)</source>
        <translation>Copiar el client_id (Ctrl+C)</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="47"/>
        <source>Copy secret</source>
        <translation>Copiar secreto</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="47"/>
        <source>Copy the client_secret</source>
        <translation>Copiar el client_secret</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="48"/>
        <source>Registration JSON</source>
        <translation>JSON de registro</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="49"/>
        <source>Show the client information response (RFC 7591)</source>
        <translation>Mostrar la respuesta con la información del cliente (RFC 7591)</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="51"/>
        <location filename="../ui/clientspage.cpp" line="110"/>
        <source>Delete…</source>
        <translation>Eliminar…</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="51"/>
        <source>Delete the client (Delete)</source>
        <translation>Eliminar el cliente (Supr)</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="53"/>
        <location filename="../ui/clientspage.cpp" line="222"/>
        <source>Launch errors</source>
        <translation>Errores de lanzamiento</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="54"/>
        <source>Make this app&apos;s next launch fail the way a SMART app must handle (once)</source>
        <translation>Hacer que el próximo lanzamiento de esta app falle como una app SMART debe saber gestionar (una vez)</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="61"/>
        <source>Filter by name, client ID, type, redirect URI or scope (Ctrl+F)</source>
        <translation>Filtrar por nombre, ID de cliente, tipo, URI de redirección o ámbito (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="117"/>
        <location filename="../ui/clientspage.cpp" line="200"/>
        <source>Clients</source>
        <translation>Clientes</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="133"/>
        <source>No clients. Press Register… (Ctrl+N), or let an app register itself with POST %1.</source>
        <translation>No hay clientes. Pulse «Registrar…» (Ctrl+N) o deje que una app se registre sola con POST %1.</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="195"/>
        <source>Delete client</source>
        <translation>Eliminar cliente</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="196"/>
        <source>Delete the client &quot;%1&quot; (%2)? Apps using its client_id can no longer sign in.</source>
        <translation>¿Eliminar el cliente «%1» (%2)? Las apps que usan su client_id ya no podrán iniciar sesión.</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="197"/>
        <source>Delete</source>
        <translation>Eliminar</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="209"/>
        <source>Registration of %1</source>
        <translation>Registro de %1</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="225"/>
        <source>Launch error %1 armed for &quot;%2&quot; (rule %3): %4</source>
        <translation>Error de lanzamiento %1 activado para «%2» (regla %3): %4</translation>
    </message>
</context>
<context>
    <name>CommandLine</name>
    <message>
        <location filename="../app/commandline.cpp" line="26"/>
        <source>SMART Sandbox: a local SMART on FHIR authorization server and FHIR R4 endpoints for testing client apps.</source>
        <translation>SMART Sandbox: un servidor de autorización SMART on FHIR local con endpoints FHIR R4 para probar apps cliente.</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="29"/>
        <source>Show this help.</source>
        <translation>Mostrar esta ayuda.</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="31"/>
        <source>Show the version.</source>
        <translation>Mostrar la versión.</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="33"/>
        <source>Run the server without windows.</source>
        <translation>Ejecutar el servidor sin ventanas.</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="35"/>
        <source>Port to listen on (default 9000; 0 picks a free one).</source>
        <translation>Puerto en el que escuchar (por defecto 9000; 0 elige uno libre).</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="40"/>
        <source>Address to listen on (default 127.0.0.1).</source>
        <translation>Dirección en la que escuchar (por defecto 127.0.0.1).</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="46"/>
        <source>Database: a SQLite file, :memory:, or postgresql://user:password@host:port/dbname (default: sandbox.sqlite in the data folder).</source>
        <translation>Base de datos: un archivo SQLite, :memory: o postgresql://user:password@host:port/dbname (por defecto: sandbox.sqlite en la carpeta de datos).</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="53"/>
        <source>Public origin written into every URL the server gives out (default: the request&apos;s Host).</source>
        <translation>Origen público que se escribe en cada URL que entrega el servidor (por defecto: el Host de la petición).</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="58"/>
        <source>Return to the built-in fixtures at start.</source>
        <translation>Volver a los datos de ejemplo integrados al iniciar.</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="63"/>
        <source>Require this key (X-Admin-Key or Authorization: Bearer) on the admin endpoints, and allow them off loopback.</source>
        <translation>Exigir esta clave (X-Admin-Key o Authorization: Bearer) en los endpoints de administración y permitirlos fuera de loopback.</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="68"/>
        <source>Also append every exchange to FILE as one JSON line.</source>
        <translation>Añadir además cada intercambio a FILE como una línea JSON.</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="73"/>
        <source>Keep at most N exchanges in the request log (default 100000).</source>
        <translation>Conservar como máximo N intercambios en el registro de peticiones (por defecto 100000).</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="79"/>
        <source>Serve /api/fhir and /api/open-fhir from this FHIR server (its base URL), with the sandbox&apos;s access control, instead of the built-in data.</source>
        <translation>Servir /api/fhir y /api/open-fhir desde este servidor FHIR (su URL base), con el control de acceso de la sandbox, en lugar de los datos integrados.</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="85"/>
        <source>Let /api/open-fhir create, update and delete resources.</source>
        <translation>Permitir que /api/open-fhir cree, actualice y elimine recursos.</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="88"/>
        <source>How many generated patients the sample data holds besides the three fixture patients (default 25; applied at a reset).</source>
        <translation>Cuántos pacientes generados contienen los datos de ejemplo además de los tres pacientes fijos (por defecto 25; se aplica al restablecer).</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="94"/>
        <source>Close a connection that has not completed a request within N seconds (default 30; 0: never).</source>
        <translation>Cerrar una conexión que no haya completado una petición en N segundos (por defecto 30; 0: nunca).</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="100"/>
        <source>Import FHIR data into the database and exit, without starting the server: Bundles, NDJSON files, single resources, or folders of them. More files may follow.</source>
        <translation>Importar datos FHIR a la base de datos y salir sin iniciar el servidor: Bundles, archivos NDJSON, recursos sueltos o carpetas con ellos. Pueden seguir más archivos.</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="107"/>
        <source>Run the conformance checks of the authorization server and FHIR endpoints against a sandbox of its own (on a free loopback port, with a temporary database) or against --url, print the results and exit.</source>
        <translation>Ejecutar las comprobaciones de conformidad del servidor de autorización y de los endpoints FHIR contra una sandbox propia (en un puerto loopback libre, con una base de datos temporal) o contra --url, mostrar los resultados y salir.</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="113"/>
        <source>With --self-check: the running sandbox to check (its origin, such as http://127.0.0.1:9000, or its FHIR base).</source>
        <translation>Con --self-check: la sandbox en marcha que se comprueba (su origen, como http://127.0.0.1:9000, o su base FHIR).</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="119"/>
        <source>Language of the windows, pages and help, such as de or es (default: the system&apos;s; English where there is no translation).</source>
        <translation>Idioma de las ventanas, páginas y ayuda, como de o es (por defecto: el del sistema; inglés donde no hay traducción).</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="125"/>
        <source>Name of this instance in the request log and /admin/status (default: host name and port). Team mode runs several instances on one PostgreSQL database.</source>
        <translation>Nombre de esta instancia en el registro de peticiones y en /admin/status (por defecto: nombre de host y puerto). El modo equipo ejecuta varias instancias sobre una misma base de datos PostgreSQL.</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="131"/>
        <source>Serve HTTPS. Without --tls-cert, a self-signed certificate for localhost and 127.0.0.1 is made on the first run and kept in the data folder.</source>
        <translation>Servir HTTPS. Sin --tls-cert, en el primer arranque se crea un certificado autofirmado para localhost y 127.0.0.1 y se guarda en la carpeta de datos.</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="135"/>
        <source>HTTPS certificate (PEM; implies --tls).</source>
        <translation>Certificado HTTPS (PEM; implica --tls).</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="138"/>
        <source>Private key of --tls-cert (PEM, unencrypted).</source>
        <translation>Clave privada de --tls-cert (PEM, sin cifrar).</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="142"/>
        <source>Launch this saved scenario once the server listens: print its launch URL (headless) or open it in the browser.</source>
        <translation>Lanzar este escenario guardado en cuanto el servidor escuche: mostrar su URL de lanzamiento (sin interfaz) o abrirla en el navegador.</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="148"/>
        <source>Write the sandbox configuration (clients, people, fault rules, discovery profile, scenarios) to a JSON file and exit.</source>
        <translation>Escribir la configuración de la sandbox (clientes, personas, reglas de fallo, perfil de descubrimiento, escenarios) en un archivo JSON y salir.</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="154"/>
        <source>Replace the sandbox configuration with a JSON file written by --export-config and exit; nothing changes when the file is invalid.</source>
        <translation>Reemplazar la configuración de la sandbox por un archivo JSON escrito con --export-config y salir; si el archivo no es válido, nada cambia.</translation>
    </message>
</context>
<context>
    <name>DefectText</name>
    <message>
        <location filename="../ui/defecttext.cpp" line="11"/>
        <source>None</source>
        <translation>Ninguno</translation>
    </message>
    <message>
        <location filename="../ui/defecttext.cpp" line="12"/>
        <source>Expired</source>
        <translation>Caducado</translation>
    </message>
    <message>
        <location filename="../ui/defecttext.cpp" line="13"/>
        <source>Revoked</source>
        <translation>Revocado</translation>
    </message>
    <message>
        <location filename="../ui/defecttext.cpp" line="14"/>
        <source>Other patient</source>
        <translation>Otro paciente</translation>
    </message>
    <message>
        <location filename="../ui/defecttext.cpp" line="15"/>
        <source>Missing scope</source>
        <translation>Ámbito ausente</translation>
    </message>
    <message>
        <location filename="../ui/defecttext.cpp" line="16"/>
        <source>Wrong aud</source>
        <translation>aud incorrecto</translation>
    </message>
    <message>
        <location filename="../ui/defecttext.cpp" line="17"/>
        <source>Wrong iss</source>
        <translation>iss incorrecto</translation>
    </message>
    <message>
        <location filename="../ui/defecttext.cpp" line="18"/>
        <source>Bad signature</source>
        <translation>Firma no válida</translation>
    </message>
    <message>
        <location filename="../ui/defecttext.cpp" line="26"/>
        <source>A good token</source>
        <translation>Un token correcto</translation>
    </message>
    <message>
        <location filename="../ui/defecttext.cpp" line="28"/>
        <source>Already expired: FHIR answers 401, introspection inactive</source>
        <translation>Ya caducado: FHIR responde 401, introspección inactiva</translation>
    </message>
    <message>
        <location filename="../ui/defecttext.cpp" line="30"/>
        <source>Already revoked: FHIR answers 401, introspection inactive</source>
        <translation>Ya revocado: FHIR responde 401, introspección inactiva</translation>
    </message>
    <message>
        <location filename="../ui/defecttext.cpp" line="32"/>
        <source>For another patient than the one chosen: reads of the chosen patient answer 404</source>
        <translation>Para otro paciente distinto del elegido: las lecturas del paciente elegido responden 404</translation>
    </message>
    <message>
        <location filename="../ui/defecttext.cpp" line="35"/>
        <source>Without the scopes that read Patient: FHIR answers 403 insufficient_scope</source>
        <translation>Sin los ámbitos que leen Patient: FHIR responde 403 insufficient_scope</translation>
    </message>
    <message>
        <location filename="../ui/defecttext.cpp" line="38"/>
        <source>A JWT for another FHIR server (aud): FHIR answers 401, introspection inactive</source>
        <translation>Un JWT para otro servidor FHIR (aud): FHIR responde 401, introspección inactiva</translation>
    </message>
    <message>
        <location filename="../ui/defecttext.cpp" line="42"/>
        <source>A JWT from another issuer (iss): FHIR answers 401, introspection inactive</source>
        <translation>Un JWT de otro emisor (iss): FHIR responde 401, introspección inactiva</translation>
    </message>
    <message>
        <location filename="../ui/defecttext.cpp" line="45"/>
        <source>A JWT whose signature does not verify: FHIR answers 401, introspection inactive</source>
        <translation>Un JWT cuya firma no se verifica: FHIR responde 401, introspección inactiva</translation>
    </message>
</context>
<context>
    <name>DiscoveryDialog</name>
    <message>
        <location filename="../ui/discoverydialog.cpp" line="51"/>
        <source>Discovery profile</source>
        <translation>Perfil de descubrimiento</translation>
    </message>
    <message>
        <location filename="../ui/discoverydialog.cpp" line="53"/>
        <source>SMART App Launch 2 (everything)</source>
        <translation>SMART App Launch 2 (todo)</translation>
    </message>
    <message>
        <location filename="../ui/discoverydialog.cpp" line="54"/>
        <source>SMART App Launch 1.0 names only</source>
        <translation>Solo nombres de SMART App Launch 1.0</translation>
    </message>
    <message>
        <location filename="../ui/discoverydialog.cpp" line="55"/>
        <source>None: no smart-configuration (404)</source>
        <translation>Ninguno: sin smart-configuration (404)</translation>
    </message>
    <message>
        <location filename="../ui/discoverydialog.cpp" line="56"/>
        <source>Custom: leave out fields and capabilities</source>
        <translation>Personalizado: omitir campos y capacidades</translation>
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
        <translation>Partir de</translation>
    </message>
    <message>
        <location filename="../ui/discoverydialog.cpp" line="69"/>
        <source>Fields served (untick to leave out)</source>
        <translation>Campos servidos (desmarcar para omitir)</translation>
    </message>
    <message>
        <location filename="../ui/discoverydialog.cpp" line="72"/>
        <source>Capabilities served</source>
        <translation>Capacidades servidas</translation>
    </message>
    <message>
        <location filename="../ui/discoverydialog.cpp" line="79"/>
        <source>Back to &amp;v2</source>
        <translation>Volver a &amp;v2</translation>
    </message>
    <message>
        <location filename="../ui/discoverydialog.cpp" line="86"/>
        <source>&amp;Serve</source>
        <translation>&amp;Servir</translation>
    </message>
    <message>
        <location filename="../ui/discoverydialog.cpp" line="88"/>
        <source>What /.well-known/smart-configuration says, so that an app&apos;s discovery fallbacks can be tested. The CapabilityStatement keeps its oauth-uris.</source>
        <translation>Lo que dice /.well-known/smart-configuration, para poder probar las alternativas de descubrimiento de una app. El CapabilityStatement conserva sus oauth-uris.</translation>
    </message>
    <message>
        <location filename="../ui/discoverydialog.cpp" line="160"/>
        <source>The profile cannot be stored: %1</source>
        <translation>No se puede guardar el perfil: %1</translation>
    </message>
</context>
<context>
    <name>ExchangeView</name>
    <message>
        <location filename="../ui/exchangeview.cpp" line="41"/>
        <source>(no body)</source>
        <translation>(sin cuerpo)</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/exchangeview.cpp" line="57"/>
        <source>(%n byte(s) of binary data)</source>
        <translation>
            <numerusform>(%n byte de datos binarios)</numerusform>
            <numerusform>(%n bytes de datos binarios)</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="60"/>
        <source>… cut at %1 of %2 bytes</source>
        <translation>… cortado en %1 de %2 bytes</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="75"/>
        <source>Bearer token in the Authorization header</source>
        <translation>Token bearer en la cabecera Authorization</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="76"/>
        <source>Query parameter %1</source>
        <translation>Parámetro de consulta %1</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="77"/>
        <source>Form field %1 of the request</source>
        <translation>Campo de formulario %1 de la petición</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="78"/>
        <source>Field %1 of the request body</source>
        <translation>Campo %1 del cuerpo de la petición</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="79"/>
        <source>Field %1 of the response</source>
        <translation>Campo %1 de la respuesta</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="124"/>
        <source>Request</source>
        <translation>Petición</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="125"/>
        <source>Response</source>
        <translation>Respuesta</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="126"/>
        <location filename="../ui/exchangeview.cpp" line="160"/>
        <source>JWTs</source>
        <translation>JWT</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="127"/>
        <source>Every JSON Web Token in the exchange, decoded, with its signature checked</source>
        <translation>Cada JSON Web Token del intercambio, decodificado y con su firma comprobada</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="153"/>
        <source>Select a request to see its headers, bodies and tokens.</source>
        <translation>Seleccione una petición para ver sus cabeceras, cuerpos y tokens.</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="166"/>
        <source>%1 %2 → %3 in %4 ms</source>
        <translation>%1 %2 → %3 en %4 ms</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="168"/>
        <source>client %1</source>
        <translation>cliente %1</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="198"/>
        <source>No JSON Web Token in this exchange.</source>
        <translation>No hay ningún JSON Web Token en este intercambio.</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="190"/>
        <source>JWTs (%1)</source>
        <translation>JWT (%1)</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="229"/>
        <source>✔ Signature valid: signed with this sandbox&apos;s key (kid %1)</source>
        <translation>✔ Firma válida: firmada con la clave de esta sandbox (kid %1)</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="230"/>
        <source>✔ Signature valid: checked with the keys client %1 registered</source>
        <translation>✔ Firma válida: comprobada con las claves que registró el cliente %1</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="232"/>
        <source>✘ Signature NOT valid for this sandbox&apos;s key: %1</source>
        <translation>✘ Firma NO válida para la clave de esta sandbox: %1</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="233"/>
        <source>✘ Signature NOT valid for the keys client %1 registered: %2</source>
        <translation>✘ Firma NO válida para las claves que registró el cliente %1: %2</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="234"/>
        <source>Signature not checked: key unknown</source>
        <translation>Firma no comprobada: clave desconocida</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="241"/>
        <source>Header:</source>
        <translation>Cabecera:</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="242"/>
        <source>Payload:</source>
        <translation>Carga útil:</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="251"/>
        <source>in %1</source>
        <translation>en %1</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="252"/>
        <source>%1 ago</source>
        <translation>hace %1</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="256"/>
        <source>Times (UTC, relative to the sandbox clock):</source>
        <translation>Horas (UTC, relativas al reloj de la sandbox):</translation>
    </message>
</context>
<context>
    <name>FaultRuleDialog</name>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="45"/>
        <source>Add fault rule</source>
        <translation>Añadir regla de fallo</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="51"/>
        <source>An exact path, or a prefix ending in *</source>
        <translation>Una ruta exacta o un prefijo que termina en *</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="54"/>
        <source>Any method</source>
        <translation>Cualquier método</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="59"/>
        <source>Any client</source>
        <translation>Cualquier cliente</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="67"/>
        <source>Delay</source>
        <translation>Retraso</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="67"/>
        <source>Error status</source>
        <translation>Estado de error</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="67"/>
        <source>Malformed JSON body</source>
        <translation>Cuerpo JSON mal formado</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="67"/>
        <source>Drop the connection</source>
        <translation>Cortar la conexión</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="71"/>
        <source> ms</source>
        <translation> ms</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="75"/>
        <source>Sent with the body the endpoint&apos;s spec names; 429 and 503 carry Retry-After</source>
        <translation>Se envía con el cuerpo que indica la especificación del endpoint; 429 y 503 llevan Retry-After</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="78"/>
        <source>The normal answer, cut in half</source>
        <translation>La respuesta normal, cortada por la mitad</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="79"/>
        <source>No answer at all</source>
        <translation>Ninguna respuesta</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="82"/>
        <source>Until removed</source>
        <translation>Hasta que se quite</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="82"/>
        <source>The next requests:</source>
        <translation>Las próximas peticiones:</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="88"/>
        <source> %</source>
        <translation> %</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="89"/>
        <source>Each matching request&apos;s chance of being faulted</source>
        <translation>Probabilidad de que cada petición que coincida falle</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="102"/>
        <source>&amp;Endpoint:</source>
        <translation>&amp;Endpoint:</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="103"/>
        <source>&amp;Method:</source>
        <translation>&amp;Método:</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="104"/>
        <source>C&amp;lient:</source>
        <translation>&amp;Cliente:</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="105"/>
        <source>E&amp;ffect:</source>
        <translation>E&amp;fecto:</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="107"/>
        <source>&amp;Budget:</source>
        <translation>&amp;Duración:</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="110"/>
        <source>&amp;Chance:</source>
        <translation>&amp;Probabilidad:</translation>
    </message>
    <message>
        <location filename="../ui/faultruledialog.cpp" line="114"/>
        <source>Add rule</source>
        <translation>Añadir regla</translation>
    </message>
</context>
<context>
    <name>FaultRuleModel</name>
    <message>
        <location filename="../ui/faultrulemodel.cpp" line="55"/>
        <source>%1 ms delay</source>
        <translation>retraso de %1 ms</translation>
    </message>
    <message>
        <location filename="../ui/faultrulemodel.cpp" line="56"/>
        <source>status %1</source>
        <translation>estado %1</translation>
    </message>
    <message>
        <location filename="../ui/faultrulemodel.cpp" line="57"/>
        <source>malformed JSON body</source>
        <translation>cuerpo JSON mal formado</translation>
    </message>
    <message>
        <location filename="../ui/faultrulemodel.cpp" line="58"/>
        <source>connection dropped</source>
        <translation>conexión cortada</translation>
    </message>
    <message>
        <location filename="../ui/faultrulemodel.cpp" line="59"/>
        <source>launch error %1</source>
        <translation>error de lanzamiento %1</translation>
    </message>
    <message>
        <location filename="../ui/faultrulemodel.cpp" line="66"/>
        <source>until removed</source>
        <translation>hasta que se quite</translation>
    </message>
    <message>
        <location filename="../ui/faultrulemodel.cpp" line="67"/>
        <source>next %1</source>
        <translation>próximas %1</translation>
    </message>
    <message>
        <location filename="../ui/faultrulemodel.cpp" line="68"/>
        <source>used up</source>
        <translation>agotado</translation>
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
        <translation>cualquiera</translation>
    </message>
    <message>
        <location filename="../ui/faultrulemodel.cpp" line="123"/>
        <source>Rule</source>
        <translation>Regla</translation>
    </message>
    <message>
        <location filename="../ui/faultrulemodel.cpp" line="124"/>
        <source>Endpoint</source>
        <translation>Endpoint</translation>
    </message>
    <message>
        <location filename="../ui/faultrulemodel.cpp" line="125"/>
        <source>Method</source>
        <translation>Método</translation>
    </message>
    <message>
        <location filename="../ui/faultrulemodel.cpp" line="126"/>
        <source>Client</source>
        <translation>Cliente</translation>
    </message>
    <message>
        <location filename="../ui/faultrulemodel.cpp" line="127"/>
        <source>Effect</source>
        <translation>Efecto</translation>
    </message>
    <message>
        <location filename="../ui/faultrulemodel.cpp" line="128"/>
        <source>Left</source>
        <translation>Restantes</translation>
    </message>
    <message>
        <location filename="../ui/faultrulemodel.cpp" line="129"/>
        <source>Hits</source>
        <translation>Coincidencias</translation>
    </message>
</context>
<context>
    <name>FaultsPage</name>
    <message>
        <location filename="../ui/faultspage.cpp" line="28"/>
        <source>Add rule…</source>
        <translation>Añadir regla…</translation>
    </message>
    <message>
        <location filename="../ui/faultspage.cpp" line="29"/>
        <source>Make an endpoint fail on purpose: delay, error, bad JSON, drop</source>
        <translation>Hacer fallar un endpoint a propósito: retraso, error, JSON roto, corte</translation>
    </message>
    <message>
        <location filename="../ui/faultspage.cpp" line="31"/>
        <location filename="../ui/faultspage.cpp" line="55"/>
        <source>Remove</source>
        <translation>Quitar</translation>
    </message>
    <message>
        <location filename="../ui/faultspage.cpp" line="32"/>
        <source>Remove the selected rule (Delete)</source>
        <translation>Quitar la regla seleccionada (Supr)</translation>
    </message>
    <message>
        <location filename="../ui/faultspage.cpp" line="33"/>
        <source>Clear all…</source>
        <translation>Quitar todas…</translation>
    </message>
    <message>
        <location filename="../ui/faultspage.cpp" line="33"/>
        <source>Remove every rule</source>
        <translation>Quitar todas las reglas</translation>
    </message>
    <message>
        <location filename="../ui/faultspage.cpp" line="37"/>
        <source>No fault rules: every request is answered normally. Add a rule here, use Launch errors on the Clients tab, or POST /admin/faults.</source>
        <translation>No hay reglas de fallo: todas las peticiones se responden con normalidad. Añada una regla aquí, use «Errores de lanzamiento» en la pestaña Clientes o POST /admin/faults.</translation>
    </message>
    <message>
        <location filename="../ui/faultspage.cpp" line="76"/>
        <source>Fault rule %1 added: %2 on %3</source>
        <translation>Regla de fallo %1 añadida: %2 en %3</translation>
    </message>
    <message>
        <location filename="../ui/faultspage.cpp" line="89"/>
        <location filename="../ui/faultspage.cpp" line="99"/>
        <source>Faults</source>
        <translation>Fallos</translation>
    </message>
    <message>
        <location filename="../ui/faultspage.cpp" line="95"/>
        <source>Clear fault rules</source>
        <translation>Quitar las reglas de fallo</translation>
    </message>
    <message>
        <location filename="../ui/faultspage.cpp" line="96"/>
        <source>Remove every fault rule? Requests are then answered normally.</source>
        <translation>¿Quitar todas las reglas de fallo? Las peticiones se responderán entonces con normalidad.</translation>
    </message>
    <message>
        <location filename="../ui/faultspage.cpp" line="96"/>
        <source>Clear</source>
        <translation>Vaciar</translation>
    </message>
</context>
<context>
    <name>FlowModel</name>
    <message>
        <location filename="../ui/flowmodel.cpp" line="83"/>
        <source>completed</source>
        <translation>completado</translation>
    </message>
    <message>
        <location filename="../ui/flowmodel.cpp" line="84"/>
        <source>failed at %1</source>
        <translation>falló en %1</translation>
    </message>
    <message>
        <location filename="../ui/flowmodel.cpp" line="85"/>
        <source>in progress</source>
        <translation>en curso</translation>
    </message>
    <message>
        <location filename="../ui/flowmodel.cpp" line="119"/>
        <source>%1 (sandbox clock)</source>
        <translation>%1 (reloj de la sandbox)</translation>
    </message>
    <message>
        <location filename="../ui/flowmodel.cpp" line="143"/>
        <source>Client</source>
        <translation>Cliente</translation>
    </message>
    <message>
        <location filename="../ui/flowmodel.cpp" line="144"/>
        <source>User</source>
        <translation>Usuario</translation>
    </message>
    <message>
        <location filename="../ui/flowmodel.cpp" line="145"/>
        <source>Patient</source>
        <translation>Paciente</translation>
    </message>
    <message>
        <location filename="../ui/flowmodel.cpp" line="146"/>
        <source>Started</source>
        <translation>Inicio</translation>
    </message>
    <message>
        <location filename="../ui/flowmodel.cpp" line="147"/>
        <source>Steps</source>
        <translation>Pasos</translation>
    </message>
    <message>
        <location filename="../ui/flowmodel.cpp" line="148"/>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
</context>
<context>
    <name>FlowTimeline</name>
    <message>
        <location filename="../ui/flowtimeline.cpp" line="29"/>
        <source>Flow timeline</source>
        <translation>Línea de tiempo del flujo</translation>
    </message>
    <message>
        <location filename="../ui/flowtimeline.cpp" line="111"/>
        <source>Select a flow to see its timeline.</source>
        <translation>Seleccione un flujo para ver su línea de tiempo.</translation>
    </message>
</context>
<context>
    <name>FlowsPage</name>
    <message>
        <location filename="../ui/flowspage.cpp" line="57"/>
        <source>Click a step to show the exchange in Traffic.</source>
        <translation>Haga clic en un paso para ver el intercambio en Tráfico.</translation>
    </message>
    <message>
        <location filename="../ui/flowspage.cpp" line="91"/>
        <source>Flow of %1: %2</source>
        <translation>Flujo de %1: %2</translation>
    </message>
</context>
<context>
    <name>LaunchDialog</name>
    <message>
        <location filename="../ui/launchdialog.cpp" line="62"/>
        <source>Launch</source>
        <translation>Lanzar</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="65"/>
        <source>EHR launch</source>
        <translation>Lanzamiento EHR</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="67"/>
        <source>Clients that registered a launch URL (launch_uri)</source>
        <translation>Clientes que registraron una URL de lanzamiento (launch_uri)</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="70"/>
        <source>The app&apos;s launch URL; the browser opens it with iss and launch</source>
        <translation>La URL de lanzamiento de la app; el navegador la abre con iss y launch</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="72"/>
        <source>The clinician or person who launches the app</source>
        <translation>El profesional clínico o la persona que lanza la app</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="74"/>
        <source>The patients this user may act for</source>
        <translation>Los pacientes en cuyo nombre puede actuar este usuario</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="76"/>
        <source>The patient&apos;s encounters in the built-in FHIR data; optional</source>
        <translation>Las visitas (encuentros) del paciente en los datos FHIR integrados; opcional</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="79"/>
        <source>No client has a launch URL yet. On the Clients tab, register a client (or edit one) and fill in its Launch URL, such as http://localhost:3000/launch.</source>
        <translation>Ningún cliente tiene todavía una URL de lanzamiento. En la pestaña Clientes, registre un cliente (o edite uno) y rellene su URL de lanzamiento, por ejemplo http://localhost:3000/launch.</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="90"/>
        <source>The URL the browser opens appears here</source>
        <translation>Aquí aparece la URL que abre el navegador</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="93"/>
        <source>Create the launch context and open the app in the browser</source>
        <translation>Crear el contexto de lanzamiento y abrir la app en el navegador</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="98"/>
        <source>Copy the launch URL</source>
        <translation>Copiar la URL de lanzamiento</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="101"/>
        <source>&amp;Client:</source>
        <translation>&amp;Cliente:</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="102"/>
        <source>Launch URL:</source>
        <translation>URL de lanzamiento:</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="103"/>
        <source>&amp;User:</source>
        <translation>&amp;Usuario:</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="104"/>
        <source>&amp;Patient:</source>
        <translation>&amp;Paciente:</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="105"/>
        <source>&amp;Encounter:</source>
        <translation>&amp;Visita:</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="106"/>
        <source>Opened:</source>
        <translation>URL abierta:</translation>
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
        <translation>Ninguno: la app pide uno</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="193"/>
        <source>self</source>
        <translation>uno mismo</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="193"/>
        <source>represented</source>
        <translation>representado</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="194"/>
        <source>%1 (%2, %3)</source>
        <translation>%1 (%2, %3)</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="205"/>
        <source>None</source>
        <translation>Ninguna</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="266"/>
        <source>The server is stopped, so the app could not reach it: start it first (Sandbox ▸ Start server).</source>
        <translation>El servidor está detenido, así que la app no podría alcanzarlo: inícielo primero (Sandbox ▸ Iniciar servidor).</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="272"/>
        <source>The client is no longer registered.</source>
        <translation>El cliente ya no está registrado.</translation>
    </message>
    <message>
        <location filename="../ui/launchdialog.cpp" line="287"/>
        <source>No browser could be opened; copy the URL above into one.</source>
        <translation>No se pudo abrir ningún navegador; copie la URL de arriba en uno.</translation>
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
        <translation>&amp;Tráfico</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="72"/>
        <source>T&amp;okens</source>
        <translation>T&amp;okens</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="73"/>
        <source>&amp;Clients</source>
        <translation>&amp;Clientes</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="74"/>
        <source>&amp;People and data</source>
        <translation>&amp;Personas y datos</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="75"/>
        <source>&amp;Faults</source>
        <translation>&amp;Fallos</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="88"/>
        <source>Client &quot;%1&quot; registered over HTTP (%2)</source>
        <translation>Cliente «%1» registrado por HTTP (%2)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="107"/>
        <source>The sandbox clock is back to real time.</source>
        <translation>El reloj de la sandbox vuelve a la hora real.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="108"/>
        <source>The sandbox clock now runs %1 from real time.</source>
        <translation>El reloj de la sandbox va ahora %1 respecto a la hora real.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="112"/>
        <source>The sandbox is back to its sample data.</source>
        <translation>La sandbox vuelve a tener sus datos de ejemplo.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="177"/>
        <source>Copy %1</source>
        <translation>Copiar %1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="182"/>
        <source>FHIR base</source>
        <translation>Base FHIR</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="182"/>
        <source>the FHIR base URL an app is given as iss</source>
        <translation>la URL base FHIR que recibe una app como iss</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="184"/>
        <source>SMART configuration</source>
        <translation>Configuración SMART</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="185"/>
        <source>the SMART discovery document (.well-known/smart-configuration)</source>
        <translation>el documento de descubrimiento SMART (.well-known/smart-configuration)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="187"/>
        <source>Register</source>
        <translation>Registro</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="187"/>
        <source>the dynamic client registration endpoint (RFC 7591)</source>
        <translation>el endpoint de registro dinámico de clientes (RFC 7591)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="200"/>
        <source>&amp;Mint token…</source>
        <translation>E&amp;mitir token…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="203"/>
        <source>Mint a token for any client, user and patient (Ctrl+T)</source>
        <translation>Emitir un token para cualquier cliente, usuario y paciente (Ctrl+T)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="206"/>
        <source>EHR l&amp;aunch…</source>
        <translation>Lan&amp;zamiento EHR…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="218"/>
        <source>Run self-chec&amp;k</source>
        <translation>Ejecutar &amp;autocomprobación</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="227"/>
        <source>Settin&amp;gs…</source>
        <translation>A&amp;justes…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="238"/>
        <source>Import config&amp;uration…</source>
        <translation>Importar confi&amp;guración…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="244"/>
        <source>Fin&amp;d</source>
        <translation>&amp;Buscar</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="337"/>
        <source>Stop ser&amp;ver</source>
        <translation>Detener ser&amp;vidor</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="337"/>
        <source>Start ser&amp;ver</source>
        <translation>Iniciar ser&amp;vidor</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="210"/>
        <source>Open an app in the browser as an EHR would, with a chosen user, patient and encounter (Ctrl+Shift+L)</source>
        <translation>Abrir una app en el navegador como lo haría un EHR, con el usuario, el paciente y la visita elegidos (Ctrl+Mayús+L)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="213"/>
        <source>&amp;Reset…</source>
        <translation>Resta&amp;blecer…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="215"/>
        <source>Return to the sample clients, users and patients</source>
        <translation>Volver a los clientes, usuarios y pacientes de ejemplo</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="220"/>
        <source>Check the running server&apos;s authorization and FHIR endpoints as an app would</source>
        <translation>Comprobar los endpoints de autorización y FHIR del servidor en marcha como lo haría una app</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="223"/>
        <source>&amp;Discovery profile…</source>
        <translation>Perfil de &amp;descubrimiento…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="225"/>
        <source>Serve SMART 2, SMART 1.0, no or a partial smart-configuration</source>
        <translation>Servir SMART 2, SMART 1.0, ninguna smart-configuration o una parcial</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="231"/>
        <source>Port, bind address, base URL, upstream FHIR server, database, admin key, log cap</source>
        <translation>Puerto, dirección de escucha, URL base, servidor FHIR upstream, base de datos, clave de administración, límite del registro</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="234"/>
        <source>E&amp;xport configuration…</source>
        <translation>E&amp;xportar configuración…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="236"/>
        <source>Save clients, people, fault rules, discovery profile and scenarios to a JSON file</source>
        <translation>Guardar clientes, personas, reglas de fallo, perfil de descubrimiento y escenarios en un archivo JSON</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="240"/>
        <source>Replace clients, people, fault rules, discovery profile and scenarios with a JSON file written by Export configuration</source>
        <translation>Reemplazar clientes, personas, reglas de fallo, perfil de descubrimiento y escenarios por un archivo JSON escrito con «Exportar configuración»</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="249"/>
        <source>&amp;Quit</source>
        <translation>Sali&amp;r</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="255"/>
        <source>&amp;About SMART Sandbox</source>
        <translation>&amp;Acerca de SMART Sandbox</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="260"/>
        <source>&amp;Sandbox</source>
        <translation>&amp;Sandbox</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="275"/>
        <source>&amp;Edit</source>
        <translation>&amp;Editar</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="279"/>
        <source>&amp;Help</source>
        <translation>A&amp;yuda</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="282"/>
        <source>Main</source>
        <translation>Principal</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="300"/>
        <location filename="../ui/mainwindow.cpp" line="306"/>
        <source>Export configuration</source>
        <translation>Exportar configuración</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="301"/>
        <location filename="../ui/mainwindow.cpp" line="312"/>
        <source>JSON files (*.json)</source>
        <translation>Archivos JSON (*.json)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="312"/>
        <location filename="../ui/mainwindow.cpp" line="314"/>
        <location filename="../ui/mainwindow.cpp" line="322"/>
        <source>Import configuration</source>
        <translation>Importar configuración</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="315"/>
        <source>Replace every client, user, patient, fault rule and scenario with the contents of %1? Signed-in sessions and issued tokens end.</source>
        <translation>¿Reemplazar todos los clientes, usuarios, pacientes, reglas de fallo y escenarios por el contenido de %1? Las sesiones iniciadas y los tokens emitidos terminan.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="318"/>
        <source>Import</source>
        <translation>Importar</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="335"/>
        <source>● Running</source>
        <translation>● En marcha</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="335"/>
        <source>● Stopped</source>
        <translation>● Detenido</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="336"/>
        <source>Listening on %1</source>
        <translation>Escuchando en %1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="336"/>
        <source>Not listening; start the server</source>
        <translation>No está escuchando; inicie el servidor</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="349"/>
        <source>SMART Sandbox — %1</source>
        <translation>SMART Sandbox — %1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="349"/>
        <source>SMART Sandbox (stopped)</source>
        <translation>SMART Sandbox (detenido)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="359"/>
        <source>Start server</source>
        <translation>Iniciar servidor</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="360"/>
        <source>The server cannot listen: %1</source>
        <translation>El servidor no puede escuchar: %1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="388"/>
        <source>Discovery profile: %1</source>
        <translation>Perfil de descubrimiento: %1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="398"/>
        <source>Opened %1</source>
        <translation>Se abrió %1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="413"/>
        <source>Settings applied; clients, tokens and the log are kept.</source>
        <translation>Ajustes aplicados; se conservan los clientes, los tokens y el registro.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="425"/>
        <source>Reset returns the sandbox to its sample clients, users and patients. This is lost:</source>
        <translation>Restablecer devuelve la sandbox a sus clientes, usuarios y pacientes de ejemplo. Se pierde:</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/mainwindow.cpp" line="426"/>
        <source>%n client(s) registered or changed since the start</source>
        <translation>
            <numerusform>%n cliente registrado o cambiado desde el inicio</numerusform>
            <numerusform>%n clientes registrados o cambiados desde el inicio</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/mainwindow.cpp" line="427"/>
        <source>%n token(s), with the approvals they were issued under</source>
        <translation>
            <numerusform>%n token, con la autorización con la que se emitió</numerusform>
            <numerusform>%n tokens, con las autorizaciones con las que se emitieron</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="428"/>
        <source>The request log is kept.</source>
        <translation>El registro de peticiones se conserva.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="433"/>
        <source>Reset the sandbox</source>
        <translation>Restablecer la sandbox</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="433"/>
        <location filename="../ui/mainwindow.cpp" line="436"/>
        <source>Reset</source>
        <translation>Restablecer</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="436"/>
        <source>The reset failed: %1</source>
        <translation>El restablecimiento falló: %1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="462"/>
        <source>About SMART Sandbox</source>
        <translation>Acerca de SMART Sandbox</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="463"/>
        <source>&lt;h3&gt;SMART Sandbox %1&lt;/h3&gt;&lt;p&gt;A local SMART on FHIR server for developing and testing apps: an OAuth 2 authorization server, FHIR R4 endpoints and a live view of every request.&lt;/p&gt;&lt;p&gt;Built with Qt %2. Licensed under the Apache License 2.0.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;SMART Sandbox %1&lt;/h3&gt;&lt;p&gt;Un servidor SMART on FHIR local para desarrollar y probar apps: un servidor de autorización OAuth 2, endpoints FHIR R4 y una vista en directo de cada petición.&lt;/p&gt;&lt;p&gt;Compilado con Qt %2. Con licencia Apache License 2.0.&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="71"/>
        <source>F&amp;lows</source>
        <translation>F&amp;lujos</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="98"/>
        <source>That exchange is no longer in the Traffic table.</source>
        <translation>Ese intercambio ya no está en la tabla de Tráfico.</translation>
    </message>
</context>
<context>
    <name>MintDialog</name>
    <message>
        <location filename="../ui/mintdialog.cpp" line="55"/>
        <source>Mint</source>
        <translation>Emitir</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="64"/>
        <source>Mint token</source>
        <translation>Emitir token</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="69"/>
        <source>Space-separated SMART scopes; empty means the client&apos;s registered scope</source>
        <translation>Ámbitos SMART separados por espacios; vacío significa el ámbito registrado del cliente</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="81"/>
        <source>1 minute</source>
        <translation>1 minuto</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="82"/>
        <source>5 minutes</source>
        <translation>5 minutos</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="83"/>
        <source>1 hour</source>
        <translation>1 hora</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="84"/>
        <source>Custom</source>
        <translation>Personalizado</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="89"/>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="90"/>
        <source>Seconds; a negative lifetime mints a token that has already expired</source>
        <translation>Segundos; una duración negativa emite un token ya caducado</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="92"/>
        <source>Break the token on purpose, to see how an app handles a token that fails</source>
        <translation>Romper el token a propósito, para ver cómo trata una app un token que falla</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="106"/>
        <source>&amp;Client:</source>
        <translation>&amp;Cliente:</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="107"/>
        <source>&amp;User:</source>
        <translation>&amp;Usuario:</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="108"/>
        <source>&amp;Patient:</source>
        <translation>&amp;Paciente:</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="109"/>
        <source>&amp;Scope:</source>
        <translation>Á&amp;mbito:</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="111"/>
        <source>&amp;Access lifetime:</source>
        <translation>&amp;Duración del token de acceso:</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="114"/>
        <source>&amp;Defect:</source>
        <translation>D&amp;efecto:</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="125"/>
        <source>Copy to the clipboard</source>
        <translation>Copiar al portapapeles</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="129"/>
        <source>Access token:</source>
        <translation>Token de acceso:</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="130"/>
        <source>Refresh token:</source>
        <translation>Token de refresco:</translation>
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
        <translation>uno mismo</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="203"/>
        <source>represented</source>
        <translation>representado</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="204"/>
        <source>%1 (%2, %3)</source>
        <translation>%1 (%2, %3)</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="227"/>
        <source>Only for clients with JWT access tokens (access_token_format &quot;jwt&quot;)</source>
        <translation>Solo para clientes con tokens de acceso JWT (access_token_format «jwt»)</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="338"/>
        <source>Defect: %1. %2</source>
        <translation>Defecto: %1. %2</translation>
    </message>
</context>
<context>
    <name>PeopleModel</name>
    <message>
        <location filename="../ui/peoplemodel.cpp" line="100"/>
        <source>%1 (self)</source>
        <translation>%1 (uno mismo)</translation>
    </message>
    <message>
        <location filename="../ui/peoplemodel.cpp" line="100"/>
        <source>%1 (represents)</source>
        <translation>%1 (representa)</translation>
    </message>
    <message>
        <location filename="../ui/peoplemodel.cpp" line="102"/>
        <source>No user acts for this patient; tokens for it need a user who does, or a backend client.</source>
        <translation>Ningún usuario actúa por este paciente; sus tokens necesitan un usuario que lo haga o un cliente backend.</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/peoplemodel.cpp" line="107"/>
        <source>%n FHIR resource(s) in this patient&apos;s record</source>
        <translation>
            <numerusform>%n recurso FHIR en la historia de este paciente</numerusform>
            <numerusform>%n recursos FHIR en la historia de este paciente</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/peoplemodel.cpp" line="118"/>
        <source>Patient</source>
        <translation>Paciente</translation>
    </message>
    <message>
        <location filename="../ui/peoplemodel.cpp" line="119"/>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <location filename="../ui/peoplemodel.cpp" line="120"/>
        <source>Born</source>
        <translation>Nacimiento</translation>
    </message>
    <message>
        <location filename="../ui/peoplemodel.cpp" line="121"/>
        <source>Gender</source>
        <translation>Sexo</translation>
    </message>
    <message>
        <location filename="../ui/peoplemodel.cpp" line="122"/>
        <source>Users</source>
        <translation>Usuarios</translation>
    </message>
    <message>
        <location filename="../ui/peoplemodel.cpp" line="123"/>
        <source>Resources</source>
        <translation>Recursos</translation>
    </message>
</context>
<context>
    <name>PeoplePage</name>
    <message>
        <location filename="../ui/peoplepage.cpp" line="39"/>
        <source>Refresh</source>
        <translation>Actualizar</translation>
    </message>
    <message>
        <location filename="../ui/peoplepage.cpp" line="40"/>
        <source>Read the patients and their records again</source>
        <translation>Volver a leer los pacientes y sus historias</translation>
    </message>
    <message>
        <location filename="../ui/peoplepage.cpp" line="41"/>
        <source>Copy $everything URL</source>
        <translation>Copiar URL de $everything</translation>
    </message>
    <message>
        <location filename="../ui/peoplepage.cpp" line="42"/>
        <source>Copy the open endpoint&apos;s Patient/$everything URL of the selected patient</source>
        <translation>Copiar la URL Patient/$everything del endpoint abierto para el paciente seleccionado</translation>
    </message>
    <message>
        <location filename="../ui/peoplepage.cpp" line="46"/>
        <source>Import…</source>
        <translation>Importar…</translation>
    </message>
    <message>
        <location filename="../ui/peoplepage.cpp" line="47"/>
        <source>Import FHIR Bundles or NDJSON files (Synthea output, Bulk Data exports); you can also drop them here</source>
        <translation>Importar Bundles FHIR o archivos NDJSON (salida de Synthea, exportaciones Bulk Data); también puede soltarlos aquí</translation>
    </message>
    <message>
        <location filename="../ui/peoplepage.cpp" line="49"/>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <location filename="../ui/peoplepage.cpp" line="50"/>
        <source>Stop the import after the current chunk; what was written stays</source>
        <translation>Detener la importación tras el bloque actual; lo ya escrito se queda</translation>
    </message>
    <message>
        <location filename="../ui/peoplepage.cpp" line="64"/>
        <source>Drop FHIR Bundles or NDJSON files here to import them.</source>
        <translation>Suelte aquí Bundles FHIR o archivos NDJSON para importarlos.</translation>
    </message>
    <message>
        <location filename="../ui/peoplepage.cpp" line="73"/>
        <source>Filter by patient, ID or user (Ctrl+F)</source>
        <translation>Filtrar por paciente, ID o usuario (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../ui/peoplepage.cpp" line="82"/>
        <source>People and data</source>
        <translation>Personas y datos</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/peoplepage.cpp" line="84"/>
        <location filename="../ui/peoplepage.cpp" line="135"/>
        <source>%n patient(s)</source>
        <translation>
            <numerusform>%n paciente</numerusform>
            <numerusform>%n pacientes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/peoplepage.cpp" line="85"/>
        <location filename="../ui/peoplepage.cpp" line="136"/>
        <source>%n user(s)</source>
        <translation>
            <numerusform>%n usuario</numerusform>
            <numerusform>%n usuarios</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/peoplepage.cpp" line="184"/>
        <source>Select a patient to see their record by resource type.</source>
        <translation>Seleccione un paciente para ver su historia por tipo de recurso.</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/peoplepage.cpp" line="190"/>
        <source>%1 (%2): %n FHIR resource(s)</source>
        <translation>
            <numerusform>%1 (%2): %n recurso FHIR</numerusform>
            <numerusform>%1 (%2): %n recursos FHIR</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/peoplepage.cpp" line="203"/>
        <source>Importing %n file(s)…</source>
        <translation>
            <numerusform>Importando %n archivo…</numerusform>
            <numerusform>Importando %n archivos…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/peoplepage.cpp" line="208"/>
        <source>Importing… %n resource(s) so far</source>
        <translation>
            <numerusform>Importando… %n recurso hasta ahora</numerusform>
            <numerusform>Importando… %n recursos hasta ahora</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/peoplepage.cpp" line="220"/>
        <source>Import FHIR data</source>
        <translation>Importar datos FHIR</translation>
    </message>
    <message>
        <location filename="../ui/peoplepage.cpp" line="222"/>
        <source>FHIR JSON (*.json *.ndjson *.jsonl);;All files (*)</source>
        <translation>JSON FHIR (*.json *.ndjson *.jsonl);;Todos los archivos (*)</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/peoplepage.cpp" line="239"/>
        <source>Imported %n resource(s)</source>
        <translation>
            <numerusform>%n recurso importado</numerusform>
            <numerusform>%n recursos importados</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/peoplepage.cpp" line="241"/>
        <source>%n rejected</source>
        <translation>
            <numerusform>%n rechazado</numerusform>
            <numerusform>%n rechazados</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/peoplepage.cpp" line="243"/>
        <source>%n file(s) could not be read</source>
        <translation>
            <numerusform>%n archivo no se pudo leer</numerusform>
            <numerusform>%n archivos no se pudieron leer</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/peoplepage.cpp" line="245"/>
        <source>cancelled</source>
        <translation>cancelado</translation>
    </message>
</context>
<context>
    <name>PortalServer</name>
    <message>
        <location filename="../core/server/portalpages.cpp" line="94"/>
        <source>The app sent a bad request</source>
        <translation>La app envió una petición incorrecta</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="95"/>
        <source>A POST to the authorization endpoint must be an HTML form (application/x-www-form-urlencoded).</source>
        <translation>Un POST al endpoint de autorización debe ser un formulario HTML (application/x-www-form-urlencoded).</translation>
    </message>
    <message>
        <location filename="../core/server/faultinjection.cpp" line="235"/>
        <source>The server could not answer</source>
        <translation>El servidor no ha podido responder</translation>
    </message>
    <message>
        <location filename="../core/server/faultinjection.cpp" line="274"/>
        <location filename="../core/server/portalpages.cpp" line="107"/>
        <source>The app sent a request that cannot be answered</source>
        <translation>La app envió una petición que no se puede responder</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="126"/>
        <source>This sign-in cannot continue</source>
        <translation>Este inicio de sesión no puede continuar</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="144"/>
        <source>Sign in to your patient portal.</source>
        <translation>Inicie sesión en su portal del paciente.</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="150"/>
        <location filename="../core/server/portalpages.cpp" line="195"/>
        <location filename="../core/server/portalpages.cpp" line="227"/>
        <location filename="../core/server/portalpages.cpp" line="256"/>
        <location filename="../core/server/portalpages.cpp" line="273"/>
        <location filename="../core/server/portalpages.cpp" line="326"/>
        <source>This sign-in has expired</source>
        <translation>Este inicio de sesión ha caducado</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="156"/>
        <source>&lt;strong&gt;%1&lt;/strong&gt; wants to connect to your records. Sign in to continue.</source>
        <translation>&lt;strong&gt;%1&lt;/strong&gt; quiere conectarse a sus historias clínicas. Inicie sesión para continuar.</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="169"/>
        <source>Sign in</source>
        <translation>Iniciar sesión</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="197"/>
        <location filename="../core/server/portalpages.cpp" line="203"/>
        <location filename="../core/server/portalpages.cpp" line="258"/>
        <location filename="../core/server/portalpages.cpp" line="329"/>
        <location filename="../core/server/portalpages.cpp" line="400"/>
        <source>The form is out of date</source>
        <translation>El formulario está desactualizado</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="197"/>
        <location filename="../core/server/portalpages.cpp" line="203"/>
        <location filename="../core/server/portalpages.cpp" line="258"/>
        <location filename="../core/server/portalpages.cpp" line="329"/>
        <location filename="../core/server/portalpages.cpp" line="400"/>
        <source>Reload the page and try again.</source>
        <translation>Recargue la página e inténtelo de nuevo.</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="235"/>
        <source>%1 (Yourself)</source>
        <translation>%1 (usted)</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="242"/>
        <source>Who are you representing?</source>
        <translation>¿A quién representa?</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="264"/>
        <source>That patient cannot be chosen</source>
        <translation>Ese paciente no se puede elegir</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="288"/>
        <source>You are signed in as %1.</source>
        <translation>Ha iniciado sesión como %1.</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="297"/>
        <source>The app will see your own record.</source>
        <translation>La app verá su propia historia clínica.</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="298"/>
        <source>The app will see the record of &lt;strong&gt;%1&lt;/strong&gt;, whom you represent.</source>
        <translation>La app verá la historia clínica de &lt;strong&gt;%1&lt;/strong&gt;, a quien usted representa.</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="306"/>
        <source>Share your records?</source>
        <translation>¿Compartir sus historias clínicas?</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="347"/>
        <source>This approval cannot be completed</source>
        <translation>Esta autorización no se puede completar</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="370"/>
        <source>Revoked</source>
        <translation>Revocada</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="372"/>
        <source>Expired</source>
        <translation>Caducada</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="374"/>
        <source>Sharing</source>
        <translation>Compartiendo</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="378"/>
        <source>Revoke</source>
        <translation>Revocar</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="385"/>
        <source>You have not authorized any app yet.</source>
        <translation>Todavía no ha autorizado ninguna app.</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="387"/>
        <source>App</source>
        <translation>App</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="387"/>
        <source>Patient</source>
        <translation>Paciente</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="387"/>
        <source>Shares</source>
        <translation>Comparte</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="387"/>
        <source>Until</source>
        <translation>Hasta</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="387"/>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="390"/>
        <source>Your apps</source>
        <translation>Sus apps</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="404"/>
        <source>Nothing was revoked</source>
        <translation>No se revocó nada</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="414"/>
        <source>Signed out</source>
        <translation>Sesión cerrada</translation>
    </message>
    <message>
        <location filename="../core/server/portalpages.cpp" line="414"/>
        <source>You are signed out of the portal.</source>
        <translation>Ha cerrado la sesión del portal.</translation>
    </message>
</context>
<context>
    <name>RequestLogModel</name>
    <message numerus="yes">
        <location filename="../ui/requestlogmodel.cpp" line="128"/>
        <source>%n finding(s):</source>
        <translation>
            <numerusform>%n hallazgo:</numerusform>
            <numerusform>%n hallazgos:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/requestlogmodel.cpp" line="167"/>
        <source>%n finding(s)</source>
        <translation>
            <numerusform>%n hallazgo</numerusform>
            <numerusform>%n hallazgos</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/requestlogmodel.cpp" line="167"/>
        <source>Fault injected</source>
        <translation>Fallo inyectado</translation>
    </message>
    <message>
        <location filename="../ui/requestlogmodel.cpp" line="181"/>
        <source>%1 (sandbox clock)</source>
        <translation>%1 (reloj de la sandbox)</translation>
    </message>
    <message>
        <location filename="../ui/requestlogmodel.cpp" line="193"/>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <location filename="../ui/requestlogmodel.cpp" line="202"/>
        <source>Findings: rules the request broke or bent</source>
        <translation>Hallazgos: reglas que la petición incumplió o forzó</translation>
    </message>
    <message>
        <location filename="../ui/requestlogmodel.cpp" line="207"/>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <location filename="../ui/requestlogmodel.cpp" line="208"/>
        <source>Method</source>
        <translation>Método</translation>
    </message>
    <message>
        <location filename="../ui/requestlogmodel.cpp" line="209"/>
        <source>Path</source>
        <translation>Ruta</translation>
    </message>
    <message>
        <location filename="../ui/requestlogmodel.cpp" line="210"/>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <location filename="../ui/requestlogmodel.cpp" line="211"/>
        <source>Duration</source>
        <translation>Duración</translation>
    </message>
    <message>
        <location filename="../ui/requestlogmodel.cpp" line="212"/>
        <source>Client</source>
        <translation>Cliente</translation>
    </message>
</context>
<context>
    <name>ResourceCountModel</name>
    <message>
        <location filename="../ui/peoplemodel.cpp" line="167"/>
        <source>Resource type</source>
        <translation>Tipo de recurso</translation>
    </message>
    <message>
        <location filename="../ui/peoplemodel.cpp" line="167"/>
        <source>Count</source>
        <translation>Cantidad</translation>
    </message>
</context>
<context>
    <name>SaveScenarioDialog</name>
    <message>
        <location filename="../ui/savescenariodialog.cpp" line="37"/>
        <source>Save scenario</source>
        <translation>Guardar escenario</translation>
    </message>
    <message>
        <location filename="../ui/savescenariodialog.cpp" line="39"/>
        <source>letters, digits, &apos;.&apos;, &apos;-&apos; or &apos;_&apos;</source>
        <translation>letras, dígitos, &apos;.&apos;, &apos;-&apos; o &apos;_&apos;</translation>
    </message>
    <message>
        <location filename="../ui/savescenariodialog.cpp" line="44"/>
        <source>optional</source>
        <translation>opcional</translation>
    </message>
    <message>
        <location filename="../ui/savescenariodialog.cpp" line="46"/>
        <source>optional, such as launch patient/*.rs</source>
        <translation>opcional, por ejemplo launch patient/*.rs</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/savescenariodialog.cpp" line="49"/>
        <source>Keep the current fault rules (%n rule(s))</source>
        <translation>
            <numerusform>Conservar la regla de fallo actual (%n regla)</numerusform>
            <numerusform>Conservar las reglas de fallo actuales (%n reglas)</numerusform>
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
        <translation>&amp;Nombre:</translation>
    </message>
    <message>
        <location filename="../ui/savescenariodialog.cpp" line="75"/>
        <source>&amp;Client:</source>
        <translation>&amp;Cliente:</translation>
    </message>
    <message>
        <location filename="../ui/savescenariodialog.cpp" line="76"/>
        <source>&amp;User:</source>
        <translation>&amp;Usuario:</translation>
    </message>
    <message>
        <location filename="../ui/savescenariodialog.cpp" line="77"/>
        <source>&amp;Patient:</source>
        <translation>&amp;Paciente:</translation>
    </message>
    <message>
        <location filename="../ui/savescenariodialog.cpp" line="78"/>
        <source>&amp;Encounter:</source>
        <translation>&amp;Visita:</translation>
    </message>
    <message>
        <location filename="../ui/savescenariodialog.cpp" line="79"/>
        <source>&amp;Scope:</source>
        <translation>Á&amp;mbito:</translation>
    </message>
    <message>
        <location filename="../ui/savescenariodialog.cpp" line="98"/>
        <source>None: the app asks for one</source>
        <translation>Ninguno: la app pide uno</translation>
    </message>
</context>
<context>
    <name>ScenarioModel</name>
    <message>
        <location filename="../ui/scenariomodel.cpp" line="46"/>
        <source>(picker)</source>
        <translation>(selector)</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/scenariomodel.cpp" line="48"/>
        <source>%n rule(s)</source>
        <translation>
            <numerusform>%n regla</numerusform>
            <numerusform>%n reglas</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/scenariomodel.cpp" line="59"/>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <location filename="../ui/scenariomodel.cpp" line="60"/>
        <source>Client</source>
        <translation>Cliente</translation>
    </message>
    <message>
        <location filename="../ui/scenariomodel.cpp" line="61"/>
        <source>User</source>
        <translation>Usuario</translation>
    </message>
    <message>
        <location filename="../ui/scenariomodel.cpp" line="62"/>
        <source>Patient</source>
        <translation>Paciente</translation>
    </message>
    <message>
        <location filename="../ui/scenariomodel.cpp" line="63"/>
        <source>Encounter</source>
        <translation>Visita</translation>
    </message>
    <message>
        <location filename="../ui/scenariomodel.cpp" line="64"/>
        <source>Fault rules</source>
        <translation>Reglas de fallo</translation>
    </message>
</context>
<context>
    <name>ScenariosDialog</name>
    <message>
        <location filename="../ui/scenariosdialog.cpp" line="30"/>
        <source>&amp;Launch</source>
        <translation>&amp;Lanzar</translation>
    </message>
    <message>
        <location filename="../ui/scenariosdialog.cpp" line="31"/>
        <source>&amp;Save current…</source>
        <translation>&amp;Guardar el actual…</translation>
    </message>
    <message>
        <location filename="../ui/scenariosdialog.cpp" line="32"/>
        <source>&amp;Remove</source>
        <translation>&amp;Quitar</translation>
    </message>
    <message>
        <location filename="../ui/scenariosdialog.cpp" line="35"/>
        <source>Scenarios</source>
        <translation>Escenarios</translation>
    </message>
    <message>
        <location filename="../ui/scenariosdialog.cpp" line="43"/>
        <source>No saved scenarios yet. Use Save current… to keep a client, user, patient and the current fault rules under a name, then launch them with one click.</source>
        <translation>Aún no hay escenarios guardados. Use «Guardar el actual…» para guardar un cliente, un usuario, un paciente y las reglas de fallo actuales con un nombre, y láncelos luego con un clic.</translation>
    </message>
    <message>
        <location filename="../ui/scenariosdialog.cpp" line="52"/>
        <source>Apply the scenario&apos;s fault rules, create its launch and open the app</source>
        <translation>Aplicar las reglas de fallo del escenario, crear su lanzamiento y abrir la app</translation>
    </message>
    <message>
        <location filename="../ui/scenariosdialog.cpp" line="84"/>
        <source>Cannot launch %1: %2</source>
        <translation>No se puede lanzar %1: %2</translation>
    </message>
    <message>
        <location filename="../ui/scenariosdialog.cpp" line="87"/>
        <source>The launch was created (launch %1), but client %2 registered no launch URL to open.</source>
        <translation>Se creó el lanzamiento (launch %1), pero el cliente %2 no registró ninguna URL de lanzamiento que abrir.</translation>
    </message>
    <message>
        <location filename="../ui/scenariosdialog.cpp" line="91"/>
        <source>No browser could open %1</source>
        <translation>Ningún navegador pudo abrir %1</translation>
    </message>
    <message>
        <location filename="../ui/scenariosdialog.cpp" line="137"/>
        <source>Select a scenario first.</source>
        <translation>Seleccione primero un escenario.</translation>
    </message>
    <message>
        <location filename="../ui/scenariosdialog.cpp" line="156"/>
        <source>Remove scenario</source>
        <translation>Quitar escenario</translation>
    </message>
    <message>
        <location filename="../ui/scenariosdialog.cpp" line="156"/>
        <source>Remove the scenario %1? Its fault rules stay.</source>
        <translation>¿Quitar el escenario %1? Sus reglas de fallo se mantienen.</translation>
    </message>
    <message>
        <location filename="../ui/scenariosdialog.cpp" line="157"/>
        <source>Remove</source>
        <translation>Quitar</translation>
    </message>
</context>
<context>
    <name>ScenariosMenu</name>
    <message>
        <location filename="../ui/scenariosmenu.cpp" line="13"/>
        <source>Sce&amp;narios</source>
        <translation>Esce&amp;narios</translation>
    </message>
    <message>
        <location filename="../ui/scenariosmenu.cpp" line="28"/>
        <source>Launch %1</source>
        <translation>Lanzar %1</translation>
    </message>
    <message>
        <location filename="../ui/scenariosmenu.cpp" line="30"/>
        <source>Apply its fault rules, create the launch and open the app in the browser</source>
        <translation>Aplicar sus reglas de fallo, crear el lanzamiento y abrir la app en el navegador</translation>
    </message>
    <message>
        <location filename="../ui/scenariosmenu.cpp" line="37"/>
        <source>Launch scenario</source>
        <translation>Lanzar escenario</translation>
    </message>
    <message>
        <location filename="../ui/scenariosmenu.cpp" line="41"/>
        <source>No saved scenarios</source>
        <translation>No hay escenarios guardados</translation>
    </message>
    <message>
        <location filename="../ui/scenariosmenu.cpp" line="45"/>
        <source>&amp;Manage scenarios…</source>
        <translation>&amp;Administrar escenarios…</translation>
    </message>
    <message>
        <location filename="../ui/scenariosmenu.cpp" line="53"/>
        <source>Save c&amp;urrent…</source>
        <translation>&amp;Guardar el actual…</translation>
    </message>
</context>
<context>
    <name>Scopes</name>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="175"/>
        <source>Open within your health record system, with its context</source>
        <translation>Abrirse dentro de su sistema de historia clínica, con su contexto</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="178"/>
        <source>Know which patient&apos;s record you chose</source>
        <translation>Saber qué historia clínica de paciente eligió</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="180"/>
        <source>Know which visit (encounter) is open</source>
        <translation>Saber qué visita (encuentro) está abierta</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="181"/>
        <source>Know the launch context &quot;%1&quot;</source>
        <translation>Conocer el contexto de lanzamiento «%1»</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="182"/>
        <source>Confirm who you are (sign you in)</source>
        <translation>Confirmar quién es usted (iniciar su sesión)</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="184"/>
        <source>Know who you are: your name and your own record</source>
        <translation>Saber quién es usted: su nombre y su propia historia clínica</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="185"/>
        <source>Keep access when you are not using the app, until the date below</source>
        <translation>Mantener el acceso cuando no use la app, hasta la fecha de abajo</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="186"/>
        <source>Keep access while you are using the app</source>
        <translation>Mantener el acceso mientras use la app</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="192"/>
        <source>read</source>
        <translation>leer</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="194"/>
        <source>search</source>
        <translation>buscar</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="196"/>
        <source>add to</source>
        <translation>añadir a</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="198"/>
        <source>change</source>
        <translation>cambiar</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="200"/>
        <source>delete</source>
        <translation>eliminar</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="201"/>
        <source>all records</source>
        <translation>todos los registros</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="201"/>
        <source>records of type %1</source>
        <translation>los registros de tipo %1</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="204"/>
        <source>of the chosen patient</source>
        <translation>del paciente elegido</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="206"/>
        <source>that you can see</source>
        <translation>que usted puede ver</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="208"/>
        <source>of every patient (system access)</source>
        <translation>de todos los pacientes (acceso de sistema)</translation>
    </message>
    <message>
        <location filename="../core/oauth/scopes.cpp" line="214"/>
        <source>, only where %1</source>
        <translation>, solo donde %1</translation>
    </message>
</context>
<context>
    <name>SelfCheckDialog</name>
    <message>
        <location filename="../ui/selfcheckdialog.cpp" line="80"/>
        <source>Self-check of %1</source>
        <translation>Autocomprobación de %1</translation>
    </message>
    <message>
        <location filename="../ui/selfcheckdialog.cpp" line="91"/>
        <source>&amp;Run again</source>
        <translation>&amp;Volver a ejecutar</translation>
    </message>
    <message>
        <location filename="../ui/selfcheckdialog.cpp" line="97"/>
        <source>Conformance checks of the authorization server and the FHIR endpoints, made over HTTP as an app makes them. The check signs in as daniel-adams, registers a client of its own and deletes it at the end.</source>
        <translation>Comprobaciones de conformidad del servidor de autorización y de los endpoints FHIR, hechas por HTTP como las hace una app. La comprobación inicia sesión como daniel-adams, registra un cliente propio y lo elimina al final.</translation>
    </message>
    <message>
        <location filename="../ui/selfcheckdialog.cpp" line="118"/>
        <source>Running…</source>
        <translation>En curso…</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/selfcheckdialog.cpp" line="136"/>
        <source>All %n check(s) passed.</source>
        <translation>
            <numerusform>%n comprobación superada.</numerusform>
            <numerusform>Todas las %n comprobaciones superadas.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/selfcheckdialog.cpp" line="138"/>
        <source>%n of %1 check(s) failed.</source>
        <translation>
            <numerusform>Falló %n de %1 comprobaciones.</numerusform>
            <numerusform>Fallaron %n de %1 comprobaciones.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/selfcheckdialog.cpp" line="141"/>
        <source>The server did not answer; is it running?</source>
        <translation>El servidor no respondió; ¿está en marcha?</translation>
    </message>
</context>
<context>
    <name>SelfCheckModel</name>
    <message>
        <location filename="../ui/selfcheckdialog.cpp" line="48"/>
        <source>pass</source>
        <translation>superada</translation>
    </message>
    <message>
        <location filename="../ui/selfcheckdialog.cpp" line="48"/>
        <source>FAIL</source>
        <translation>FALLIDA</translation>
    </message>
    <message>
        <location filename="../ui/selfcheckdialog.cpp" line="64"/>
        <source>Check</source>
        <translation>Comprobación</translation>
    </message>
    <message>
        <location filename="../ui/selfcheckdialog.cpp" line="65"/>
        <source>Result</source>
        <translation>Resultado</translation>
    </message>
    <message>
        <location filename="../ui/selfcheckdialog.cpp" line="66"/>
        <source>Rule</source>
        <translation>Regla</translation>
    </message>
    <message>
        <location filename="../ui/selfcheckdialog.cpp" line="67"/>
        <source>Detail</source>
        <translation>Detalle</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="39"/>
        <source>Settings</source>
        <translation>Ajustes</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="42"/>
        <source>any free port</source>
        <translation>cualquier puerto libre</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="43"/>
        <source>The port the server listens on (--port); 0 picks a free one</source>
        <translation>El puerto en el que escucha el servidor (--port); 0 elige uno libre</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="45"/>
        <source>The address to listen on (--bind): 127.0.0.1 keeps the sandbox to this computer</source>
        <translation>La dirección en la que escuchar (--bind): 127.0.0.1 limita la sandbox a este equipo</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="47"/>
        <source>empty: each request&apos;s Host</source>
        <translation>vacío: el Host de cada petición</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="48"/>
        <source>The public origin written into every URL the server gives out (--base-url)</source>
        <translation>El origen público que se escribe en cada URL que entrega el servidor (--base-url)</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="50"/>
        <source>empty: the built-in FHIR data</source>
        <translation>vacío: los datos FHIR integrados</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="52"/>
        <source>Serve /api/fhir from this FHIR server, with the sandbox&apos;s access control (--upstream)</source>
        <translation>Servir /api/fhir desde este servidor FHIR, con el control de acceso de la sandbox (--upstream)</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="54"/>
        <source>A SQLite file, :memory: or a postgresql:// URL (--db); used from the next start</source>
        <translation>Un archivo SQLite, :memory: o una URL postgresql:// (--db); se usa a partir del próximo inicio</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="57"/>
        <source>empty: admin endpoints on loopback only</source>
        <translation>vacío: endpoints de administración solo en loopback</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="58"/>
        <source>Require this key on the admin endpoints, and allow them off loopback (--admin-key); at least 8 characters</source>
        <translation>Exigir esta clave en los endpoints de administración y permitirlos fuera de loopback (--admin-key); al menos 8 caracteres</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="62"/>
        <source>Keep at most this many exchanges in the request log (--log-cap)</source>
        <translation>Conservar como máximo esta cantidad de intercambios en el registro de peticiones (--log-cap)</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="74"/>
        <source>&amp;Port:</source>
        <translation>&amp;Puerto:</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="75"/>
        <source>&amp;Bind address:</source>
        <translation>Dirección de &amp;escucha:</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="76"/>
        <source>Base &amp;URL:</source>
        <translation>&amp;URL base:</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="77"/>
        <source>Up&amp;stream FHIR URL:</source>
        <translation>URL &amp;FHIR upstream:</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="78"/>
        <source>&amp;Database:</source>
        <translation>&amp;Base de datos:</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="79"/>
        <source>&amp;Admin key:</source>
        <translation>Clave de &amp;administración:</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="80"/>
        <source>Request &amp;log cap:</source>
        <translation>&amp;Límite del registro de peticiones:</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="81"/>
        <source>Options given on the command line win over these at the next start.</source>
        <translation>Las opciones dadas en la línea de comandos prevalecen sobre estas en el próximo inicio.</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="89"/>
        <source>Save and restart the listener; clients, tokens and the request log stay</source>
        <translation>Guardar y reiniciar la escucha; los clientes, los tokens y el registro de peticiones se mantienen</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="143"/>
        <source>The bind address must be an IP address such as 127.0.0.1 or ::1.</source>
        <translation>La dirección de escucha debe ser una dirección IP como 127.0.0.1 o ::1.</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="155"/>
        <source>%1 must be an absolute http or https URL without query or fragment, not &quot;%2&quot;.</source>
        <translation>%1 debe ser una URL http o https absoluta sin consulta ni fragmento, no «%2».</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="156"/>
        <source>The base URL</source>
        <translation>La URL base</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="156"/>
        <source>The upstream FHIR URL</source>
        <translation>La URL FHIR upstream</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="163"/>
        <source>The admin key must be at least 8 characters long, or empty.</source>
        <translation>La clave de administración debe tener al menos 8 caracteres o estar vacía.</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="168"/>
        <source>The database needs a file name, :memory: or a postgresql:// URL.</source>
        <translation>La base de datos necesita un nombre de archivo, :memory: o una URL postgresql://.</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="176"/>
        <source>The server cannot listen with these settings, so it keeps the previous ones: %1</source>
        <translation>El servidor no puede escuchar con estos ajustes, así que conserva los anteriores: %1</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="187"/>
        <source>Listening on %1.</source>
        <translation>Escuchando en %1.</translation>
    </message>
    <message>
        <location filename="../ui/settingsdialog.cpp" line="190"/>
        <source>The database changes to %1 at the next start; until then this one stays in use.</source>
        <translation>La base de datos cambia a %1 en el próximo inicio; hasta entonces se sigue usando la actual.</translation>
    </message>
</context>
<context>
    <name>TimeTravelDialog</name>
    <message>
        <location filename="../ui/timetraveldialog.cpp" line="40"/>
        <source>Travel in time</source>
        <translation>Viajar en el tiempo</translation>
    </message>
    <message>
        <location filename="../ui/timetraveldialog.cpp" line="43"/>
        <source>How far to move the sandbox clock; a negative amount goes back</source>
        <translation>Cuánto mover el reloj de la sandbox; una cantidad negativa va hacia atrás</translation>
    </message>
    <message>
        <location filename="../ui/timetraveldialog.cpp" line="45"/>
        <source>minutes</source>
        <translation>minutos</translation>
    </message>
    <message>
        <location filename="../ui/timetraveldialog.cpp" line="46"/>
        <source>hours</source>
        <translation>horas</translation>
    </message>
    <message>
        <location filename="../ui/timetraveldialog.cpp" line="47"/>
        <source>days</source>
        <translation>días</translation>
    </message>
    <message>
        <location filename="../ui/timetraveldialog.cpp" line="55"/>
        <source>&amp;Move the clock by</source>
        <translation>&amp;Mover el reloj</translation>
    </message>
    <message>
        <location filename="../ui/timetraveldialog.cpp" line="59"/>
        <source>&amp;Travel</source>
        <translation>&amp;Viajar</translation>
    </message>
    <message>
        <location filename="../ui/timetraveldialog.cpp" line="100"/>
        <source>The clock stays where it is.</source>
        <translation>El reloj se queda donde está.</translation>
    </message>
    <message>
        <location filename="../ui/timetraveldialog.cpp" line="102"/>
        <source>Tokens, codes and approvals age by this much: countdowns fall and expiries pass.</source>
        <translation>Tokens, códigos y autorizaciones envejecen esto: las cuentas atrás bajan y los vencimientos llegan.</translation>
    </message>
    <message>
        <location filename="../ui/timetraveldialog.cpp" line="104"/>
        <source>The clock goes back: expired tokens may become active again until they expire anew.</source>
        <translation>El reloj retrocede: los tokens caducados pueden volver a estar activos hasta que caduquen de nuevo.</translation>
    </message>
</context>
<context>
    <name>TimeTravelWidget</name>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="23"/>
        <source>T&amp;ime</source>
        <translation>T&amp;iempo</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="30"/>
        <source>+1 &amp;minute</source>
        <translation>+1 &amp;minuto</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="30"/>
        <source>Move the sandbox clock one minute ahead</source>
        <translation>Adelantar el reloj de la sandbox un minuto</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="31"/>
        <source>Move the sandbox clock one hour ahead</source>
        <translation>Adelantar el reloj de la sandbox una hora</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="31"/>
        <source>+1 hou&amp;r</source>
        <translation>+1 &amp;hora</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="32"/>
        <source>+1 &amp;day</source>
        <translation>+1 &amp;día</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="32"/>
        <source>Move the sandbox clock one day ahead</source>
        <translation>Adelantar el reloj de la sandbox un día</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="37"/>
        <source>Move the sandbox clock by a duration you choose</source>
        <translation>Mover el reloj de la sandbox la cantidad que elija</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="37"/>
        <source>C&amp;ustom…</source>
        <translation>Pe&amp;rsonalizado…</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="40"/>
        <source>&amp;Back to now</source>
        <translation>&amp;Volver al presente</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="40"/>
        <source>Return the sandbox clock to real time</source>
        <translation>Devolver el reloj de la sandbox a la hora real</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="45"/>
        <source>Time travel</source>
        <translation>Viaje en el tiempo</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="46"/>
        <source>Move the sandbox clock: tokens, codes and approvals expire as if time had passed</source>
        <translation>Mover el reloj de la sandbox: tokens, códigos y autorizaciones caducan como si hubiera pasado el tiempo</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="119"/>
        <source>%1 UTC</source>
        <translation>%1 UTC</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="119"/>
        <source>%1 UTC (travelled %2)</source>
        <translation>%1 UTC (desplazado %2)</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="126"/>
        <source>The sandbox clock is moved from real time; Back to now undoes it</source>
        <translation>El reloj de la sandbox está desplazado de la hora real; «Volver al presente» lo deshace</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="127"/>
        <source>The sandbox clock, which every expiry and countdown reads</source>
        <translation>El reloj de la sandbox, que leen todos los vencimientos y cuentas atrás</translation>
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
        <translation>caducado</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="179"/>
        <source>Access token expires %1</source>
        <translation>El token de acceso caduca: %1</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="184"/>
        <source>The refresh token works until the approval expires on %1</source>
        <translation>El token de refresco vale hasta que la autorización caduque el %1</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="187"/>
        <source>No refresh token was issued</source>
        <translation>No se emitió ningún token de refresco</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="191"/>
        <source>Minted without a defect (%1 access token)</source>
        <translation>Emitido sin defecto (token de acceso %1)</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="192"/>
        <source>Broken on purpose: %1</source>
        <translation>Roto a propósito: %1</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="211"/>
        <source>active</source>
        <translation>activo</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="213"/>
        <source>revoked</source>
        <translation>revocado</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="226"/>
        <source>Client</source>
        <translation>Cliente</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="227"/>
        <source>User</source>
        <translation>Usuario</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="228"/>
        <source>Patient</source>
        <translation>Paciente</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="229"/>
        <source>Scope</source>
        <translation>Ámbito</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="230"/>
        <source>Issued</source>
        <translation>Emitido</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="231"/>
        <source>Expires in</source>
        <translation>Caduca en</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="232"/>
        <source>Refresh until</source>
        <translation>Renovable hasta</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="233"/>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="234"/>
        <source>Defect</source>
        <translation>Defecto</translation>
    </message>
</context>
<context>
    <name>TokensPage</name>
    <message>
        <location filename="../ui/tokenspage.cpp" line="37"/>
        <location filename="../ui/tokenspage.cpp" line="91"/>
        <source>Copy token</source>
        <translation>Copiar token</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="38"/>
        <source>Copy the access token (Ctrl+C)</source>
        <translation>Copiar el token de acceso (Ctrl+C)</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="39"/>
        <source>Copy curl</source>
        <translation>Copiar curl</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="40"/>
        <source>Copy a curl command that reads the token&apos;s patient</source>
        <translation>Copiar un comando curl que lee el paciente del token</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="41"/>
        <location filename="../ui/tokenspage.cpp" line="93"/>
        <source>Revoke…</source>
        <translation>Revocar…</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="42"/>
        <source>Revoke the access and refresh token (Delete)</source>
        <translation>Revocar el token de acceso y el de refresco (Supr)</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="43"/>
        <source>Expire now</source>
        <translation>Caducar ahora</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="44"/>
        <source>End the access token now; its refresh token stays usable</source>
        <translation>Terminar ahora el token de acceso; su token de refresco sigue sirviendo</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="46"/>
        <source>Extend +1 h</source>
        <translation>Prolongar +1 h</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="47"/>
        <source>Give the access token one more hour (counted from now if it has expired); a revoked token stays revoked</source>
        <translation>Dar una hora más al token de acceso (contada desde ahora si ha caducado); un token revocado sigue revocado</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="51"/>
        <source>Introspect…</source>
        <translation>Introspección…</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="52"/>
        <source>Show what the introspection endpoint (RFC 7662) answers for the access token</source>
        <translation>Mostrar qué responde el endpoint de introspección (RFC 7662) para el token de acceso</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="59"/>
        <source>Filter by client, user, patient, scope or state (Ctrl+F)</source>
        <translation>Filtrar por cliente, usuario, paciente, ámbito o estado (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="137"/>
        <source>No tokens yet. Mint one with Mint token (Ctrl+T), or let an app sign in through %1.</source>
        <translation>Todavía no hay tokens. Emita uno con «Emitir token» (Ctrl+T) o deje que una app inicie sesión a través de %1.</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="186"/>
        <location filename="../ui/tokenspage.cpp" line="226"/>
        <source>%1 for %2</source>
        <translation>%1 para %2</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="187"/>
        <source>Revoke token</source>
        <translation>Revocar token</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="188"/>
        <source>Revoke the token of %1? Its access token and refresh token stop working at once.</source>
        <translation>¿Revocar el token de %1? Su token de acceso y su token de refresco dejan de funcionar al instante.</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="189"/>
        <source>Revoke</source>
        <translation>Revocar</translation>
    </message>
    <message>
        <location filename="../ui/tokenspage.cpp" line="227"/>
        <source>Introspection of the token of %1</source>
        <translation>Introspección del token de %1</translation>
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
        <translation>Filtrar por ruta, método, estado o cliente (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="75"/>
        <source>Pause</source>
        <translation>Pausar</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="77"/>
        <source>Hold new requests back; they appear when you resume</source>
        <translation>Retener las peticiones nuevas; aparecen al reanudar</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="81"/>
        <source>Follow newest</source>
        <translation>Seguir la más reciente</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="84"/>
        <source>Scroll to each new request as it arrives</source>
        <translation>Desplazarse a cada petición nueva en cuanto llega</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="86"/>
        <location filename="../ui/trafficpage.cpp" line="122"/>
        <source>Copy as curl</source>
        <translation>Copiar como curl</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="87"/>
        <source>Copy a curl command that sends this request again (Ctrl+Shift+C; Ctrl+C in the table)</source>
        <translation>Copiar un comando curl que vuelve a enviar esta petición (Ctrl+Mayús+C; Ctrl+C en la tabla)</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="92"/>
        <source>Replay</source>
        <translation>Repetir</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="92"/>
        <source>Send this request again to the running server (Ctrl+R)</source>
        <translation>Volver a enviar esta petición al servidor en marcha (Ctrl+R)</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="95"/>
        <source>Export HAR…</source>
        <translation>Exportar HAR…</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="96"/>
        <source>Save the requests shown (all that match the filter) as an HTTP Archive (Ctrl+S)</source>
        <translation>Guardar las peticiones mostradas (todas las que cumplen el filtro) como HTTP Archive (Ctrl+S)</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="99"/>
        <source>Export selected as HAR…</source>
        <translation>Exportar selección como HAR…</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="100"/>
        <source>Save the selected requests as an HTTP Archive</source>
        <translation>Guardar las peticiones seleccionadas como HTTP Archive</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="102"/>
        <source>Clear…</source>
        <translation>Vaciar…</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="102"/>
        <source>Delete every logged request</source>
        <translation>Eliminar todas las peticiones registradas</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="144"/>
        <source>Replayed: the server answered %1</source>
        <translation>Repetida: el servidor respondió %1</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="146"/>
        <source>The replay failed: %1</source>
        <translation>La repetición falló: %1</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="186"/>
        <source>No traffic yet: point your app at %1</source>
        <translation>Todavía no hay tráfico: apunte su app a %1</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="263"/>
        <source>Copied as curl; the log kept only part of the body, so the command sends less</source>
        <translation>Copiado como curl; el registro solo guardó parte del cuerpo, así que el comando envía menos</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="264"/>
        <source>Copied %1 %2 as curl</source>
        <translation>%1 %2 copiado como curl</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="276"/>
        <source>Replaying %1 %2…</source>
        <translation>Repitiendo %1 %2…</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="283"/>
        <source>There are no requests to export</source>
        <translation>No hay peticiones para exportar</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="292"/>
        <source>Export HAR</source>
        <translation>Exportar HAR</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="292"/>
        <source>HTTP Archive (*.har);;All files (*)</source>
        <translation>HTTP Archive (*.har);;Todos los archivos (*)</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="306"/>
        <source>Cannot write %1: %2</source>
        <translation>No se puede escribir %1: %2</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/trafficpage.cpp" line="310"/>
        <source>Exported %n request(s) to %1</source>
        <translation>
            <numerusform>%n petición exportada a %1</numerusform>
            <numerusform>%n peticiones exportadas a %1</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="316"/>
        <source>Clear the request log</source>
        <translation>Vaciar el registro de peticiones</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="317"/>
        <source>Delete every logged request, here and in the database? This cannot be undone.</source>
        <translation>¿Eliminar todas las peticiones registradas, aquí y en la base de datos? No se puede deshacer.</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="317"/>
        <source>Clear</source>
        <translation>Vaciar</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="320"/>
        <source>The request log was not cleared: %1</source>
        <translation>El registro de peticiones no se vació: %1</translation>
    </message>
</context>
<context>
    <name>UiHelpers</name>
    <message>
        <location filename="../ui/uihelpers.cpp" line="87"/>
        <location filename="../ui/uihelpers.cpp" line="161"/>
        <source>Copy</source>
        <translation>Copiar</translation>
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
        <translation>SMART Sandbox no puede iniciarse</translation>
    </message>
</context>
</TS>
