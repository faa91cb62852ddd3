<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es" sourcelanguage="en">
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
        <location filename="../ui/clientmodel.cpp" line="150"/>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="151"/>
        <source>Client ID</source>
        <translation>ID de cliente</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="152"/>
        <source>Type</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="153"/>
        <source>Redirect URIs</source>
        <translation>URI de redirección</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="154"/>
        <source>Scope</source>
        <translation>Ámbito</translation>
    </message>
    <message>
        <location filename="../ui/clientmodel.cpp" line="155"/>
        <source>Registered</source>
        <translation>Registrado</translation>
    </message>
</context>
<context>
    <name>ClientsPage</name>
    <message>
        <location filename="../ui/clientspage.cpp" line="36"/>
        <location filename="../ui/clientspage.cpp" line="80"/>
        <source>Copy ID</source>
        <translation>Copiar ID</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="36"/>
        <source>Copy the client_id (Ctrl+C)</source>
        <translation>Copiar el client_id (Ctrl+C)</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="38"/>
        <source>Copy secret</source>
        <translation>Copiar secreto</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="38"/>
        <source>Copy the client_secret</source>
        <translation>Copiar el client_secret</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="39"/>
        <source>Registration JSON</source>
        <translation>JSON de registro</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="40"/>
        <source>Show the client information response (RFC 7591)</source>
        <translation>Mostrar la respuesta con la información del cliente (RFC 7591)</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="42"/>
        <location filename="../ui/clientspage.cpp" line="81"/>
        <source>Delete…</source>
        <translation>Eliminar…</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="42"/>
        <source>Delete the client (Delete)</source>
        <translation>Eliminar el cliente (Supr)</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="49"/>
        <source>Filter by name, client ID, type, redirect URI or scope (Ctrl+F)</source>
        <translation>Filtrar por nombre, ID de cliente, tipo, URI de redirección o ámbito (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="87"/>
        <location filename="../ui/clientspage.cpp" line="148"/>
        <source>Clients</source>
        <translation>Clientes</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="103"/>
        <source>No clients. Apps register themselves with POST %1.</source>
        <translation>No hay clientes. Las apps se registran solas con POST %1.</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="143"/>
        <source>Delete client</source>
        <translation>Eliminar cliente</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="144"/>
        <source>Delete the client &quot;%1&quot; (%2)? Apps using its client_id can no longer sign in.</source>
        <translation>¿Eliminar el cliente «%1» (%2)? Las apps que usan su client_id ya no podrán iniciar sesión.</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="145"/>
        <source>Delete</source>
        <translation>Eliminar</translation>
    </message>
    <message>
        <location filename="../ui/clientspage.cpp" line="157"/>
        <source>Registration of %1</source>
        <translation>Registro de %1</translation>
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
        <source>Import FHIR data into the database and exit, without starting the server: Bundles, NDJSON files, single resources, or folders of them. More files may follow.</source>
        <translation>Importar datos FHIR a la base de datos y salir sin iniciar el servidor: Bundles, archivos NDJSON, recursos sueltos o carpetas con ellos. Pueden seguir más archivos.</translation>
    </message>
    <message>
        <location filename="../app/commandline.cpp" line="101"/>
        <source>Language of the windows, pages and help, such as de or es (default: the system&apos;s; English where there is no translation).</source>
        <translation>Idioma de las ventanas, páginas y ayuda, como de o es (por defecto: el del sistema; inglés donde no hay traducción).</translation>
    </message>
</context>
<context>
    <name>ExchangeView</name>
    <message>
        <location filename="../ui/exchangeview.cpp" line="39"/>
        <source>(no body)</source>
        <translation>(sin cuerpo)</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/exchangeview.cpp" line="55"/>
        <source>(%n byte(s) of binary data)</source>
        <translation>
            <numerusform>(%n byte de datos binarios)</numerusform>
            <numerusform>(%n bytes de datos binarios)</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="58"/>
        <source>… cut at %1 of %2 bytes</source>
        <translation>… cortado en %1 de %2 bytes</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="73"/>
        <source>Bearer token in the Authorization header</source>
        <translation>Token bearer en la cabecera Authorization</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="74"/>
        <source>Query parameter %1</source>
        <translation>Parámetro de consulta %1</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="75"/>
        <source>Form field %1 of the request</source>
        <translation>Campo de formulario %1 de la petición</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="76"/>
        <source>Field %1 of the request body</source>
        <translation>Campo %1 del cuerpo de la petición</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="77"/>
        <source>Field %1 of the response</source>
        <translation>Campo %1 de la respuesta</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="122"/>
        <source>Request</source>
        <translation>Petición</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="123"/>
        <source>Response</source>
        <translation>Respuesta</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="124"/>
        <location filename="../ui/exchangeview.cpp" line="144"/>
        <source>JWTs</source>
        <translation>JWT</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="125"/>
        <source>Every JSON Web Token in the exchange, decoded, with its signature checked</source>
        <translation>Cada JSON Web Token del intercambio, decodificado y con su firma comprobada</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="139"/>
        <source>Select a request to see its headers, bodies and tokens.</source>
        <translation>Seleccione una petición para ver sus cabeceras, cuerpos y tokens.</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="150"/>
        <source>%1 %2 → %3 in %4 ms</source>
        <translation>%1 %2 → %3 en %4 ms</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="152"/>
        <source>client %1</source>
        <translation>cliente %1</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="171"/>
        <source>No JSON Web Token in this exchange.</source>
        <translation>No hay ningún JSON Web Token en este intercambio.</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="173"/>
        <source>JWTs (%1)</source>
        <translation>JWT (%1)</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="195"/>
        <source>✔ Signature valid: signed with this sandbox&apos;s key (kid %1)</source>
        <translation>✔ Firma válida: firmada con la clave de esta sandbox (kid %1)</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="196"/>
        <source>✔ Signature valid: checked with the keys client %1 registered</source>
        <translation>✔ Firma válida: comprobada con las claves que registró el cliente %1</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="198"/>
        <source>✘ Signature NOT valid for this sandbox&apos;s key: %1</source>
        <translation>✘ Firma NO válida para la clave de esta sandbox: %1</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="199"/>
        <source>✘ Signature NOT valid for the keys client %1 registered: %2</source>
        <translation>✘ Firma NO válida para las claves que registró el cliente %1: %2</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="200"/>
        <source>Signature not checked: key unknown</source>
        <translation>Firma no comprobada: clave desconocida</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="207"/>
        <source>Header:</source>
        <translation>Cabecera:</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="208"/>
        <source>Payload:</source>
        <translation>Carga útil:</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="217"/>
        <source>in %1</source>
        <translation>en %1</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="218"/>
        <source>%1 ago</source>
        <translation>hace %1</translation>
    </message>
    <message>
        <location filename="../ui/exchangeview.cpp" line="222"/>
        <source>Times (UTC, relative to the sandbox clock):</source>
        <translation>Horas (UTC, relativas al reloj de la sandbox):</translation>
    </message>
</context>
<context>
    <name>FlowModel</name>
    <message>
        <location filename="../ui/flowmodel.cpp" line="68"/>
        <source>completed</source>
        <translation>completado</translation>
    </message>
    <message>
        <location filename="../ui/flowmodel.cpp" line="69"/>
        <source>failed at %1</source>
        <translation>falló en %1</translation>
    </message>
    <message>
        <location filename="../ui/flowmodel.cpp" line="70"/>
        <source>in progress</source>
        <translation>en curso</translation>
    </message>
    <message>
        <location filename="../ui/flowmodel.cpp" line="104"/>
        <source>%1 (sandbox clock)</source>
        <translation>%1 (reloj de la sandbox)</translation>
    </message>
    <message>
        <location filename="../ui/flowmodel.cpp" line="126"/>
        <source>Client</source>
        <translation>Cliente</translation>
    </message>
    <message>
        <location filename="../ui/flowmodel.cpp" line="127"/>
        <source>User</source>
        <translation>Usuario</translation>
    </message>
    <message>
        <location filename="../ui/flowmodel.cpp" line="128"/>
        <source>Patient</source>
        <translation>Paciente</translation>
    </message>
    <message>
        <location filename="../ui/flowmodel.cpp" line="129"/>
        <source>Started</source>
        <translation>Inicio</translation>
    </message>
    <message>
        <location filename="../ui/flowmodel.cpp" line="130"/>
        <source>Steps</source>
        <translation>Pasos</translation>
    </message>
    <message>
        <location filename="../ui/flowmodel.cpp" line="131"/>
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
        <location filename="../ui/flowspage.cpp" line="53"/>
        <source>Click a step to show the exchange in Traffic.</source>
        <translation>Haga clic en un paso para ver el intercambio en Tráfico.</translation>
    </message>
    <message>
        <location filename="../ui/flowspage.cpp" line="87"/>
        <source>Flow of %1: %2</source>
        <translation>Flujo de %1: %2</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../ui/mainwindow.cpp" line="45"/>
        <source>SMART Sandbox</source>
        <translation>SMART Sandbox</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="55"/>
        <source>&amp;Traffic</source>
        <translation>&amp;Tráfico</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="56"/>
        <source>T&amp;okens</source>
        <translation>T&amp;okens</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="57"/>
        <source>&amp;Clients</source>
        <translation>&amp;Clientes</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="58"/>
        <source>&amp;People and data</source>
        <translation>&amp;Personas y datos</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="71"/>
        <source>Client &quot;%1&quot; registered over HTTP (%2)</source>
        <translation>Cliente «%1» registrado por HTTP (%2)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="80"/>
        <source>The sandbox clock is back to real time.</source>
        <translation>El reloj de la sandbox vuelve a la hora real.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="81"/>
        <source>The sandbox clock now runs %1 from real time.</source>
        <translation>El reloj de la sandbox va ahora %1 respecto a la hora real.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="85"/>
        <source>The sandbox is back to its sample data.</source>
        <translation>La sandbox vuelve a tener sus datos de ejemplo.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="149"/>
        <source>Copy %1</source>
        <translation>Copiar %1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="154"/>
        <source>FHIR base</source>
        <translation>Base FHIR</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="154"/>
        <source>the FHIR base URL an app is given as iss</source>
        <translation>la URL base FHIR que recibe una app como iss</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="156"/>
        <source>SMART configuration</source>
        <translation>Configuración SMART</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="157"/>
        <source>the SMART discovery document (.well-known/smart-configuration)</source>
        <translation>el documento de descubrimiento SMART (.well-known/smart-configuration)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="159"/>
        <source>Register</source>
        <translation>Registro</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="159"/>
        <source>the dynamic client registration endpoint (RFC 7591)</source>
        <translation>el endpoint de registro dinámico de clientes (RFC 7591)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="172"/>
        <source>&amp;Mint token…</source>
        <translation>&amp;Emitir token…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="175"/>
        <source>Mint a token for any client, user and patient (Ctrl+T)</source>
        <translation>Emitir un token para cualquier cliente, usuario y paciente (Ctrl+T)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="178"/>
        <source>&amp;Reset…</source>
        <translation>&amp;Restablecer…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="180"/>
        <source>Return to the sample clients, users and patients</source>
        <translation>Volver a los clientes, usuarios y pacientes de ejemplo</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="183"/>
        <source>&amp;Find</source>
        <translation>&amp;Buscar</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="188"/>
        <source>&amp;Quit</source>
        <translation>&amp;Salir</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="194"/>
        <source>&amp;About SMART Sandbox</source>
        <translation>&amp;Acerca de SMART Sandbox</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="199"/>
        <source>&amp;Sandbox</source>
        <translation>&amp;Sandbox</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="206"/>
        <source>&amp;Edit</source>
        <translation>&amp;Editar</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="209"/>
        <source>&amp;Help</source>
        <translation>A&amp;yuda</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="212"/>
        <source>Main</source>
        <translation>Principal</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="230"/>
        <source>● Running</source>
        <translation>● En marcha</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="230"/>
        <source>● Stopped</source>
        <translation>● Detenido</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="231"/>
        <source>Listening on %1</source>
        <translation>Escuchando en %1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="231"/>
        <source>Not listening; start the server</source>
        <translation>No está escuchando; inicie el servidor</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="232"/>
        <source>S&amp;top server</source>
        <translation>De&amp;tener servidor</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="232"/>
        <source>S&amp;tart server</source>
        <translation>&amp;Iniciar servidor</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="243"/>
        <source>SMART Sandbox — %1</source>
        <translation>SMART Sandbox — %1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="243"/>
        <source>SMART Sandbox (stopped)</source>
        <translation>SMART Sandbox (detenido)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="253"/>
        <source>Start server</source>
        <translation>Iniciar servidor</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="254"/>
        <source>The server cannot listen: %1</source>
        <translation>El servidor no puede escuchar: %1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="275"/>
        <source>Reset returns the sandbox to its sample clients, users and patients. This is lost:</source>
        <translation>Restablecer devuelve la sandbox a sus clientes, usuarios y pacientes de ejemplo. Se pierde:</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/mainwindow.cpp" line="276"/>
        <source>%n client(s) registered or changed since the start</source>
        <translation>
            <numerusform>%n cliente registrado o cambiado desde el inicio</numerusform>
            <numerusform>%n clientes registrados o cambiados desde el inicio</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/mainwindow.cpp" line="277"/>
        <source>%n token(s), with the approvals they were issued under</source>
        <translation>
            <numerusform>%n token, con la autorización con la que se emitió</numerusform>
            <numerusform>%n tokens, con las autorizaciones con las que se emitieron</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="278"/>
        <source>The request log is kept.</source>
        <translation>El registro de peticiones se conserva.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="283"/>
        <source>Reset the sandbox</source>
        <translation>Restablecer la sandbox</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="283"/>
        <location filename="../ui/mainwindow.cpp" line="286"/>
        <source>Reset</source>
        <translation>Restablecer</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="286"/>
        <source>The reset failed: %1</source>
        <translation>El restablecimiento falló: %1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="312"/>
        <source>About SMART Sandbox</source>
        <translation>Acerca de SMART Sandbox</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="313"/>
        <source>&lt;h3&gt;SMART Sandbox %1&lt;/h3&gt;&lt;p&gt;A local SMART on FHIR server for developing and testing apps: an OAuth 2 authorization server, FHIR R4 endpoints and a live view of every request.&lt;/p&gt;&lt;p&gt;Built with Qt %2. Licensed under the Apache License 2.0.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;SMART Sandbox %1&lt;/h3&gt;&lt;p&gt;Un servidor SMART on FHIR local para desarrollar y probar apps: un servidor de autorización OAuth 2, endpoints FHIR R4 y una vista en directo de cada petición.&lt;/p&gt;&lt;p&gt;Compilado con Qt %2. Con licencia Apache License 2.0.&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="68"/>
        <source>F&amp;lows</source>
        <translation>F&amp;lujos</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="95"/>
        <source>That exchange is no longer in the Traffic table.</source>
        <translation>Ese intercambio ya no está en la tabla de Tráfico.</translation>
    </message>
</context>
<context>
    <name>MintDialog</name>
    <message>
        <location filename="../ui/mintdialog.cpp" line="50"/>
        <source>Mint</source>
        <translation>Emitir</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="58"/>
        <source>Mint token</source>
        <translation>Emitir token</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="63"/>
        <source>Space-separated SMART scopes; empty means the client&apos;s registered scope</source>
        <translation>Ámbitos SMART separados por espacios; vacío significa el ámbito registrado del cliente</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="75"/>
        <source>1 minute</source>
        <translation>1 minuto</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="76"/>
        <source>5 minutes</source>
        <translation>5 minutos</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="77"/>
        <source>1 hour</source>
        <translation>1 hora</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="78"/>
        <source>Custom</source>
        <translation>Personalizado</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="83"/>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="84"/>
        <source>Seconds; a negative lifetime mints a token that has already expired</source>
        <translation>Segundos; una duración negativa emite un token ya caducado</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="90"/>
        <source>&amp;Client:</source>
        <translation>&amp;Cliente:</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="91"/>
        <source>&amp;User:</source>
        <translation>&amp;Usuario:</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="92"/>
        <source>&amp;Patient:</source>
        <translation>&amp;Paciente:</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="93"/>
        <source>&amp;Scope:</source>
        <translation>Á&amp;mbito:</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="95"/>
        <source>&amp;Access lifetime:</source>
        <translation>&amp;Duración del token de acceso:</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="108"/>
        <source>Copy to the clipboard</source>
        <translation>Copiar al portapapeles</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="112"/>
        <source>Access token:</source>
        <translation>Token de acceso:</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="113"/>
        <source>Refresh token:</source>
        <translation>Token de refresco:</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="114"/>
        <source>curl:</source>
        <translation>curl:</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="157"/>
        <location filename="../ui/mintdialog.cpp" line="171"/>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="183"/>
        <source>self</source>
        <translation>uno mismo</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="183"/>
        <source>represented</source>
        <translation>representado</translation>
    </message>
    <message>
        <location filename="../ui/mintdialog.cpp" line="184"/>
        <source>%1 (%2, %3)</source>
        <translation>%1 (%2, %3)</translation>
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
        <location filename="../ui/requestlogmodel.cpp" line="74"/>
        <source>%n finding(s):</source>
        <translation>
            <numerusform>%n hallazgo:</numerusform>
            <numerusform>%n hallazgos:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/requestlogmodel.cpp" line="107"/>
        <source>%n finding(s)</source>
        <translation>
            <numerusform>%n hallazgo</numerusform>
            <numerusform>%n hallazgos</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/requestlogmodel.cpp" line="127"/>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <location filename="../ui/requestlogmodel.cpp" line="136"/>
        <source>Findings: rules the request broke or bent</source>
        <translation>Hallazgos: reglas que la petición incumplió o forzó</translation>
    </message>
    <message>
        <location filename="../ui/requestlogmodel.cpp" line="141"/>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <location filename="../ui/requestlogmodel.cpp" line="142"/>
        <source>Method</source>
        <translation>Método</translation>
    </message>
    <message>
        <location filename="../ui/requestlogmodel.cpp" line="143"/>
        <source>Path</source>
        <translation>Ruta</translation>
    </message>
    <message>
        <location filename="../ui/requestlogmodel.cpp" line="144"/>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <location filename="../ui/requestlogmodel.cpp" line="145"/>
        <source>Duration</source>
        <translation>Duración</translation>
    </message>
    <message>
        <location filename="../ui/requestlogmodel.cpp" line="146"/>
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
        <location filename="../ui/timetraveldialog.cpp" line="57"/>
        <source>&amp;Travel</source>
        <translation>&amp;Viajar</translation>
    </message>
    <message>
        <location filename="../ui/timetraveldialog.cpp" line="98"/>
        <source>The clock stays where it is.</source>
        <translation>El reloj se queda donde está.</translation>
    </message>
    <message>
        <location filename="../ui/timetraveldialog.cpp" line="100"/>
        <source>Tokens, codes and approvals age by this much: countdowns fall and expiries pass.</source>
        <translation>Tokens, códigos y autorizaciones envejecen esto: las cuentas atrás bajan y los vencimientos llegan.</translation>
    </message>
    <message>
        <location filename="../ui/timetraveldialog.cpp" line="102"/>
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
        <source>+1 &amp;hour</source>
        <translation>+1 &amp;hora</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="31"/>
        <source>Move the sandbox clock one hour ahead</source>
        <translation>Adelantar el reloj de la sandbox una hora</translation>
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
        <source>&amp;Custom…</source>
        <translation>&amp;Personalizado…</translation>
    </message>
    <message>
        <location filename="../ui/timetravelwidget.cpp" line="37"/>
        <source>Move the sandbox clock by a duration you choose</source>
        <translation>Mover el reloj de la sandbox la cantidad que elija</translation>
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
        <location filename="../ui/tokenmodel.cpp" line="112"/>
        <source>%1 d %2 h</source>
        <translation>%1 d %2 h</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="114"/>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="116"/>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="117"/>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="126"/>
        <location filename="../ui/tokenmodel.cpp" line="200"/>
        <source>expired</source>
        <translation>caducado</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="172"/>
        <source>Access token expires %1</source>
        <translation>El token de acceso caduca: %1</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="177"/>
        <source>The refresh token works until the approval expires on %1</source>
        <translation>El token de refresco vale hasta que la autorización caduque el %1</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="180"/>
        <source>No refresh token was issued</source>
        <translation>No se emitió ningún token de refresco</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="199"/>
        <source>active</source>
        <translation>activo</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="201"/>
        <source>revoked</source>
        <translation>revocado</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="213"/>
        <source>Client</source>
        <translation>Cliente</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="214"/>
        <source>User</source>
        <translation>Usuario</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="215"/>
        <source>Patient</source>
        <translation>Paciente</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="216"/>
        <source>Scope</source>
        <translation>Ámbito</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="217"/>
        <source>Issued</source>
        <translation>Emitido</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="218"/>
        <source>Expires in</source>
        <translation>Caduca en</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="219"/>
        <source>Refresh until</source>
        <translation>Renovable hasta</translation>
    </message>
    <message>
        <location filename="../ui/tokenmodel.cpp" line="220"/>
        <source>State</source>
        <translation>Estado</translation>
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
        <location filename="../ui/trafficpage.cpp" line="68"/>
        <source>Filter by path, method, status or client (Ctrl+F)</source>
        <translation>Filtrar por ruta, método, estado o cliente (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="73"/>
        <source>Pause</source>
        <translation>Pausar</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="75"/>
        <source>Hold new requests back; they appear when you resume</source>
        <translation>Retener las peticiones nuevas; aparecen al reanudar</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="79"/>
        <source>Follow newest</source>
        <translation>Seguir la más reciente</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="82"/>
        <source>Scroll to each new request as it arrives</source>
        <translation>Desplazarse a cada petición nueva en cuanto llega</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="84"/>
        <location filename="../ui/trafficpage.cpp" line="120"/>
        <source>Copy as curl</source>
        <translation>Copiar como curl</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="85"/>
        <source>Copy a curl command that sends this request again (Ctrl+Shift+C; Ctrl+C in the table)</source>
        <translation>Copiar un comando curl que vuelve a enviar esta petición (Ctrl+Mayús+C; Ctrl+C en la tabla)</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="90"/>
        <source>Replay</source>
        <translation>Repetir</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="90"/>
        <source>Send this request again to the running server (Ctrl+R)</source>
        <translation>Volver a enviar esta petición al servidor en marcha (Ctrl+R)</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="93"/>
        <source>Export HAR…</source>
        <translation>Exportar HAR…</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="94"/>
        <source>Save the requests shown (all that match the filter) as an HTTP Archive (Ctrl+S)</source>
        <translation>Guardar las peticiones mostradas (todas las que cumplen el filtro) como HTTP Archive (Ctrl+S)</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="97"/>
        <source>Export selected as HAR…</source>
        <translation>Exportar selección como HAR…</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="98"/>
        <source>Save the selected requests as an HTTP Archive</source>
        <translation>Guardar las peticiones seleccionadas como HTTP Archive</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="100"/>
        <source>Clear…</source>
        <translation>Vaciar…</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="100"/>
        <source>Delete every logged request</source>
        <translation>Eliminar todas las peticiones registradas</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="142"/>
        <source>Replayed: the server answered %1</source>
        <translation>Repetida: el servidor respondió %1</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="144"/>
        <source>The replay failed: %1</source>
        <translation>La repetición falló: %1</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="184"/>
        <source>No traffic yet: point your app at %1</source>
        <translation>Todavía no hay tráfico: apunte su app a %1</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="242"/>
        <source>Copied as curl; the log kept only part of the body, so the command sends less</source>
        <translation>Copiado como curl; el registro solo guardó parte del cuerpo, así que el comando envía menos</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="243"/>
        <source>Copied %1 %2 as curl</source>
        <translation>%1 %2 copiado como curl</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="255"/>
        <source>Replaying %1 %2…</source>
        <translation>Repitiendo %1 %2…</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="262"/>
        <source>There are no requests to export</source>
        <translation>No hay peticiones para exportar</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="271"/>
        <source>Export HAR</source>
        <translation>Exportar HAR</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="271"/>
        <source>HTTP Archive (*.har);;All files (*)</source>
        <translation>HTTP Archive (*.har);;Todos los archivos (*)</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="285"/>
        <source>Cannot write %1: %2</source>
        <translation>No se puede escribir %1: %2</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/trafficpage.cpp" line="289"/>
        <source>Exported %n request(s) to %1</source>
        <translation>
            <numerusform>%n petición exportada a %1</numerusform>
            <numerusform>%n peticiones exportadas a %1</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="295"/>
        <source>Clear the request log</source>
        <translation>Vaciar el registro de peticiones</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="296"/>
        <source>Delete every logged request, here and in the database? This cannot be undone.</source>
        <translation>¿Eliminar todas las peticiones registradas, aquí y en la base de datos? No se puede deshacer.</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="296"/>
        <source>Clear</source>
        <translation>Vaciar</translation>
    </message>
    <message>
        <location filename="../ui/trafficpage.cpp" line="299"/>
        <source>The request log was not cleared: %1</source>
        <translation>El registro de peticiones no se vació: %1</translation>
    </message>
</context>
<context>
    <name>UiHelpers</name>
    <message>
        <location filename="../ui/uihelpers.cpp" line="68"/>
        <location filename="../ui/uihelpers.cpp" line="142"/>
        <source>Copy</source>
        <translation>Copiar</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../app/main.cpp" line="70"/>
        <source>SMART Sandbox</source>
        <translation>SMART Sandbox</translation>
    </message>
    <message>
        <location filename="../app/main.cpp" line="92"/>
        <source>SMART Sandbox cannot start</source>
        <translation>SMART Sandbox no puede iniciarse</translation>
    </message>
</context>
</TS>
