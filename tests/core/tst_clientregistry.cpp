// SPDX-License-Identifier: Apache-2.0
// Dynamic client registration (RFC 7591) as a client app meets it: the defaults it gets, the
// credentials the server assigns, the metadata it may and may not send, and the answer it reads.

#include "clock.h"
#include "oauth/clientregistry.h"
#include "oauth/scopes.h"
#include "storage/database.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

QJsonObject object(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        qFatal("bad test JSON: %s", json.constData());
    return document.object();
}

const QJsonArray s_redirect = {u"https://app.example.org/callback"_s};

QJsonObject withRedirect(QJsonObject metadata)
{
    if (!metadata.contains(u"redirect_uris"_s))
        metadata.insert(u"redirect_uris"_s, s_redirect);
    return metadata;
}

const QJsonObject s_jwks
    = QJsonObject{{u"keys"_s,
                   QJsonArray{QJsonObject{{u"kty"_s, u"EC"_s},
                                          {u"crv"_s, u"P-256"_s},
                                          {u"kid"_s, u"k1"_s},
                                          {u"x"_s, u"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"_s},
                                          {u"y"_s, u"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"_s}}}}};

} // namespace

class TestClientRegistry final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void registerDefaults();
    void registrationJson();
    void registrationTextMatchesTheObject_data();
    void registrationTextMatchesTheObject();
    void publicClientGetsNoSecret();
    void privateKeyJwtGetsNoSecret_data();
    void privateKeyJwtGetsNoSecret();
    void validate_data();
    void validate();
    void wrongTypes_data();
    void wrongTypes();
    void normalisesValues();
    void unknownFieldsEchoed();
    void serverAssignsCredentials();
    void clientRegisteredSignal();
    void removeClient();

private:
    std::unique_ptr<Database> m_database;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<ClientRegistry> m_registry;
};

void TestClientRegistry::init()
{
    Result<DatabaseLocation> location = DatabaseLocation::parse(u":memory:"_s);
    QVERIFY(location.ok());
    Result<std::unique_ptr<Database>> database = Database::open(location.value());
    QVERIFY(database.ok());
    m_database = std::move(database).value();
    m_clock = std::make_unique<ManualClock>(TestSupport::s_epochMs);
    m_registry = std::make_unique<ClientRegistry>(*m_database, *m_clock);
}

void TestClientRegistry::cleanup()
{
    m_registry.reset();
    m_clock.reset();
    m_database.reset();
}

void TestClientRegistry::registerDefaults()
{
    const Result<Client> registered
        = m_registry->registerClient(QJsonObject{{u"redirect_uris"_s, s_redirect}}, u"http"_s);
    QVERIFY2(registered.ok(), qPrintable(registered.ok() ? QString() : registered.error().description));
    const Client &client = registered.value();

    // A version 7 UUID, so that the clients' key index grows at its end (docs/decisions/0071).
    QVERIFY(QRegularExpression(u"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"_s)
                .match(client.id)
                .hasMatch());
    const Result<Client> next = m_registry->registerClient(QJsonObject{{u"redirect_uris"_s, s_redirect}}, u"http"_s);
    QVERIFY(next.ok());
    QVERIFY(next.value().id > client.id);
    QCOMPARE(client.name, client.id); // no client_name: the id stands in
    QCOMPARE(client.grantTypes, (QStringList{u"authorization_code"_s, u"refresh_token"_s}));
    QCOMPARE(client.metadata.value(u"response_types"_s).toArray(), QJsonArray{u"code"_s});
    QCOMPARE(client.tokenEndpointAuthMethod, u"client_secret_basic"_s);
    QCOMPARE(client.scope, Scopes::defaultClientScope());
    QCOMPARE(client.securityLabels, defaultSecurityLabels());
    QCOMPARE(client.redirectUris, QStringList{u"https://app.example.org/callback"_s});
    QCOMPARE(client.secret.size(), 43); // 256 random bits
    QVERIFY(!client.isPublic());
    QCOMPARE(client.origin, u"http"_s);
    QCOMPARE(client.issuedAtMs, TestSupport::s_epochMs);
    QCOMPARE(client.updatedAtMs, TestSupport::s_epochMs);

    // What was stored is what was answered.
    const Result<std::optional<Client>> found = m_registry->find(client.id);
    QVERIFY(found.ok() && found.value().has_value());
    QCOMPARE(found.value()->registrationJson(), client.registrationJson());
    QCOMPARE(found.value()->origin, u"http"_s);

    // An empty or blank scope also means the default.
    for (const QString &blank : {QString(u""_s), u"   "_s}) {
        const Result<Client> other
            = m_registry->registerClient(QJsonObject{{u"redirect_uris"_s, s_redirect}, {u"scope"_s, blank}}, u"http"_s);
        QVERIFY(other.ok());
        QCOMPARE(other->scope, Scopes::defaultClientScope());
    }
}

void TestClientRegistry::registrationJson()
{
    m_clock->setNowMs(1800000000123LL);
    const Result<Client> registered = m_registry->registerClient(
        object(R"({"client_name": "Growth Chart", "redirect_uris": ["https://app.example.org/callback"],
                   "scope": "launch patient/Observation.rs openid"})"),
        u"http"_s);
    QVERIFY(registered.ok());
    const QJsonObject json = registered->registrationJson();

    QCOMPARE(json.value(u"client_id"_s).toString(), registered->id);
    QCOMPARE(json.value(u"client_secret"_s).toString(), registered->secret);
    QVERIFY(json.value(u"client_secret_expires_at"_s).isDouble());
    QCOMPARE(json.value(u"client_secret_expires_at"_s).toInteger(), 0); // never expires
    QCOMPARE(json.value(u"client_id_issued_at"_s).toInteger(), 1800000000); // seconds, from the clock
    QCOMPARE(json.value(u"client_name"_s).toString(), u"Growth Chart"_s);
    QCOMPARE(json.value(u"redirect_uris"_s).toArray(), s_redirect);
    QCOMPARE(json.value(u"scope"_s).toString(), u"launch patient/Observation.rs openid"_s);
    QCOMPARE(json.value(u"grant_types"_s).toArray(), (QJsonArray{u"authorization_code"_s, u"refresh_token"_s}));
    QCOMPARE(json.value(u"response_types"_s).toArray(), QJsonArray{u"code"_s});
    QCOMPARE(json.value(u"token_endpoint_auth_method"_s).toString(), u"client_secret_basic"_s);
    QCOMPARE(json.value(u"security_labels"_s).toArray(), QJsonArray::fromStringList(defaultSecurityLabels()));
}

void TestClientRegistry::publicClientGetsNoSecret()
{
    const Result<Client> registered = m_registry->registerClient(
        withRedirect(QJsonObject{{u"token_endpoint_auth_method"_s, u"none"_s}}), u"http"_s);
    QVERIFY(registered.ok());
    QVERIFY(registered->isPublic());
    QVERIFY(registered->secret.isNull());
    const QJsonObject json = registered->registrationJson();
    QVERIFY(!json.contains(u"client_secret"_s));
    QVERIFY(!json.contains(u"client_secret_expires_at"_s));
    QCOMPARE(json.value(u"token_endpoint_auth_method"_s).toString(), u"none"_s);

    // Still no secret after a round trip through the database (NULL, not "").
    const Result<std::optional<Client>> found = m_registry->find(registered->id);
    QVERIFY(found.ok() && found.value().has_value());
    QVERIFY(found.value()->secret.isNull());
    QVERIFY(!found.value()->registrationJson().contains(u"client_secret"_s));
}

void TestClientRegistry::privateKeyJwtGetsNoSecret_data()
{
    QTest::addColumn<QJsonObject>("metadata");

    QTest::newRow("jwks") << withRedirect(
        QJsonObject{{u"token_endpoint_auth_method"_s, u"private_key_jwt"_s}, {u"jwks"_s, s_jwks}});
    QTest::newRow("jwks_uri") << withRedirect(QJsonObject{{u"token_endpoint_auth_method"_s, u"private_key_jwt"_s},
                                                          {u"jwks_uri"_s, u"https://app.example.org/jwks.json"_s}});
    QTest::newRow("backend service") << QJsonObject{{u"token_endpoint_auth_method"_s, u"private_key_jwt"_s},
                                                    {u"grant_types"_s, QJsonArray{u"client_credentials"_s}},
                                                    {u"scope"_s, u"system/*.rs"_s},
                                                    {u"jwks_uri"_s, u"https://backend.example.org/jwks"_s}};
}

void TestClientRegistry::privateKeyJwtGetsNoSecret()
{
    QFETCH(QJsonObject, metadata);

    const Result<Client> registered = m_registry->registerClient(metadata, u"http"_s);
    QVERIFY2(registered.ok(), qPrintable(registered.ok() ? QString() : registered.error().description));
    QCOMPARE(registered->tokenEndpointAuthMethod, u"private_key_jwt"_s);
    QVERIFY(registered->secret.isNull());
    QVERIFY(!registered->registrationJson().contains(u"client_secret"_s));
    QVERIFY(!registered->isPublic());
}

void TestClientRegistry::validate_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("code"); // empty: accepted
    QTest::addColumn<QString>("mention"); // what the description names

    const QString ok;
    const QString metadata = u"invalid_client_metadata"_s;
    const QString redirect = u"invalid_redirect_uri"_s;

    // Redirect URIs
    QTest::newRow("https redirect") << QByteArray(R"({"redirect_uris": ["https://app.example.org/cb"]})") << ok
                                    << QString();
    QTest::newRow("http localhost with port")
        << QByteArray(R"({"redirect_uris": ["http://localhost:9001/authorized"]})") << ok << QString();
    QTest::newRow("redirect with query") << QByteArray(R"({"redirect_uris": ["https://app.example.org/cb?x=1"]})") << ok
                                         << QString();
    QTest::newRow("custom scheme") << QByteArray(R"({"redirect_uris": ["com.example.app:/callback"]})") << ok
                                   << QString();
    QTest::newRow("custom scheme with authority")
        << QByteArray(R"({"redirect_uris": ["myapp://oauth/callback"]})") << ok << QString();
    QTest::newRow("several redirects") << QByteArray(
        R"({"redirect_uris": ["https://a.example.org/cb", "com.example.app:/cb"]})")
                                       << ok << QString();
    QTest::newRow("redirect_uris missing") << QByteArray(R"({"client_name": "x"})") << redirect << u"redirect_uris"_s;
    QTest::newRow("redirect_uris null") << QByteArray(R"({"redirect_uris": null})") << redirect << u"redirect_uris"_s;
    QTest::newRow("redirect_uris empty") << QByteArray(R"({"redirect_uris": []})") << redirect << u"redirect_uris"_s;
    QTest::newRow("empty redirect") << QByteArray(R"({"redirect_uris": [""]})") << redirect << u"empty"_s;
    QTest::newRow("relative redirect") << QByteArray(R"({"redirect_uris": ["/callback"]})") << redirect
                                       << u"/callback"_s;
    QTest::newRow("redirect without scheme")
        << QByteArray(R"({"redirect_uris": ["app.example.org/cb"]})") << redirect << u"app.example.org/cb"_s;
    QTest::newRow("fragment") << QByteArray(R"({"redirect_uris": ["https://app.example.org/cb#done"]})") << redirect
                              << u"fragment"_s;
    QTest::newRow("empty fragment") << QByteArray(R"({"redirect_uris": ["https://app.example.org/cb#"]})") << redirect
                                    << u"fragment"_s;
    QTest::newRow("javascript") << QByteArray(R"j({"redirect_uris": ["javascript:alert(document.cookie)"]})j")
                                << redirect << u"javascript: scheme"_s;
    QTest::newRow("JavaScript capitalised")
        << QByteArray(R"j({"redirect_uris": ["JavaScript:alert(1)"]})j") << redirect << u"javascript: scheme"_s;
    QTest::newRow("data") << QByteArray(R"({"redirect_uris": ["data:text/html,hello"]})") << redirect
                          << u"data: scheme"_s;
    QTest::newRow("file") << QByteArray(R"({"redirect_uris": ["file:///etc/passwd"]})") << redirect
                          << u"file: scheme"_s;
    QTest::newRow("vbscript") << QByteArray(R"j({"redirect_uris": ["vbscript:msgbox(1)"]})j") << redirect
                              << u"vbscript: scheme"_s;
    QTest::newRow("http without host") << QByteArray(R"({"redirect_uris": ["http:/callback"]})") << redirect
                                       << u"host"_s;
    QTest::newRow("https empty host") << QByteArray(R"({"redirect_uris": ["https:///callback"]})") << redirect
                                      << u"https:///callback"_s;
    QTest::newRow("user and password") << QByteArray(R"({"redirect_uris": ["https://user:pw@app.example.org/cb"]})")
                                       << redirect << u"user information"_s;
    QTest::newRow("user only") << QByteArray(R"({"redirect_uris": ["https://user@app.example.org/cb"]})") << redirect
                               << u"user information"_s;
    QTest::newRow("bad port") << QByteArray(R"({"redirect_uris": ["https://app.example.org:99999/cb"]})") << redirect
                              << u"app.example.org:99999"_s;
    QTest::newRow("leading space") << QByteArray(R"({"redirect_uris": [" https://app.example.org/cb"]})") << redirect
                                   << u"not a valid URI"_s;
    QTest::newRow("trailing space") << QByteArray(R"({"redirect_uris": ["https://app.example.org/cb "]})") << redirect
                                    << u"not a valid URI"_s;
    QTest::newRow("CR LF header injection")
        << QByteArray(R"({"redirect_uris": ["https://app.example.org/cb\r\nSet-Cookie: a=b"]})") << redirect
        << u"not a valid URI"_s;
    QTest::newRow("percent-encoded CR LF stays encoded")
        << QByteArray(R"({"redirect_uris": ["https://app.example.org/cb%0D%0A"]})") << ok << QString();
    QTest::newRow("one bad among good") << QByteArray(
        R"({"redirect_uris": ["https://app.example.org/cb", "javascript:x"]})")
                                        << redirect << u"javascript:x"_s;
    const QByteArray longUri = "https://app.example.org/" + QByteArray(2100, 'a');
    QTest::newRow("very long redirect") << QByteArray(R"({"redirect_uris": [")" + longUri + R"("]})") << redirect
                                        << u"2048"_s;

    // Grant and response types
    QTest::newRow("client_credentials needs no redirect")
        << QByteArray(R"({"grant_types": ["client_credentials"], "scope": "system/*.rs"})") << ok << QString();
    QTest::newRow("unknown grant") << QByteArray(R"({"grant_types": ["implicit"], "redirect_uris": ["https://a/cb"]})")
                                   << metadata << u"implicit"_s;
    QTest::newRow("password grant") << QByteArray(R"({"grant_types": ["password"], "redirect_uris": ["https://a/cb"]})")
                                    << metadata << u"password"_s;
    QTest::newRow("empty grant_types") << QByteArray(R"({"grant_types": [], "redirect_uris": ["https://a/cb"]})")
                                       << metadata << u"grant_types"_s;
    QTest::newRow("token response type") << QByteArray(
        R"({"response_types": ["token"], "redirect_uris": ["https://a/cb"]})")
                                         << metadata << u"token"_s;
    QTest::newRow("code response without code grant")
        << QByteArray(R"({"response_types": ["code"], "grant_types": ["client_credentials"]})") << metadata
        << u"response_types"_s;

    // Client authentication
    QTest::newRow("client_secret_post") << QByteArray(R"({"token_endpoint_auth_method": "client_secret_post",
                                                        "redirect_uris": ["https://a/cb"]})")
                                        << ok << QString();
    QTest::newRow("unknown auth method") << QByteArray(R"({"token_endpoint_auth_method": "client_secret_jwt",
                                                         "redirect_uris": ["https://a/cb"]})")
                                         << metadata << u"client_secret_jwt"_s;
    QTest::newRow("private_key_jwt without keys")
        << QByteArray(R"({"token_endpoint_auth_method": "private_key_jwt", "redirect_uris": ["https://a/cb"]})")
        << metadata << u"jwks"_s;
    QTest::newRow("jwks and jwks_uri") << QByteArray(R"({"token_endpoint_auth_method": "private_key_jwt",
        "jwks": {"keys": [{"kty": "EC"}]}, "jwks_uri": "https://a/jwks", "redirect_uris": ["https://a/cb"]})")
                                       << metadata << u"jwks and jwks_uri"_s;
    QTest::newRow("jwks without keys") << QByteArray(R"({"token_endpoint_auth_method": "private_key_jwt",
        "jwks": {"keys": []}, "redirect_uris": ["https://a/cb"]})")
                                       << metadata << u"jwks"_s;
    QTest::newRow("jwks key without kty") << QByteArray(R"({"token_endpoint_auth_method": "private_key_jwt",
        "jwks": {"keys": [{"kid": "k1"}]}, "redirect_uris": ["https://a/cb"]})")
                                          << metadata << u"kty"_s;
    QTest::newRow("jwks_uri not https") << QByteArray(R"({"token_endpoint_auth_method": "private_key_jwt",
        "jwks_uri": "ftp://a/jwks", "redirect_uris": ["https://a/cb"]})")
                                        << metadata << u"jwks_uri"_s;
    QTest::newRow("client_credentials with none")
        << QByteArray(R"({"grant_types": ["client_credentials"], "token_endpoint_auth_method": "none"})") << metadata
        << u"client_credentials"_s;

    // Names, scopes and URLs
    QTest::newRow("name at the limit") << QByteArray(R"({"client_name": ")" + QByteArray(256, 'n')
                                                     + R"(", "redirect_uris": ["https://a/cb"]})")
                                       << ok << QString();
    QTest::newRow("name too long") << QByteArray(R"({"client_name": ")" + QByteArray(257, 'n')
                                                 + R"(", "redirect_uris": ["https://a/cb"]})")
                                   << metadata << u"client_name"_s;
    QTest::newRow("bad scope") << QByteArray(R"({"scope": "openid junk", "redirect_uris": ["https://a/cb"]})")
                               << metadata << u"junk"_s;
    QTest::newRow("bad v2 scope") << QByteArray(R"({"scope": "patient/*.sr", "redirect_uris": ["https://a/cb"]})")
                                  << metadata << u"patient/*.sr"_s;
    QTest::newRow("logo_uri javascript") << QByteArray(
        R"j({"logo_uri": "javascript:alert(1)", "redirect_uris": ["https://a/cb"]})j")
                                         << metadata << u"logo_uri"_s;
    QTest::newRow("launch_uri relative") << QByteArray(
        R"({"launch_uri": "/launch", "redirect_uris": ["https://a/cb"]})")
                                         << metadata << u"launch_uri"_s;
    QTest::newRow("every optional URL") << QByteArray(R"({"redirect_uris": ["https://a/cb"],
        "launch_uri": "https://a/launch", "logo_uri": "https://a/logo.png", "client_uri": "https://a/",
        "policy_uri": "https://a/policy", "tos_uri": "http://a/tos", "contacts": ["ops@example.org"],
        "software_id": "growth-chart", "software_version": "1.2.3", "security_labels": ["patient"]})")
                                        << ok << QString();
}

void TestClientRegistry::validate()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, code);
    QFETCH(QString, mention);

    const Result<Client> validated = ClientRegistry::validate(object(json));
    if (code.isEmpty()) {
        QVERIFY2(validated.ok(), qPrintable(validated.ok() ? QString() : validated.error().description));
        QVERIFY(validated->id.isEmpty()); // validation assigns no credentials
        QVERIFY(validated->secret.isNull());
        return;
    }
    QVERIFY(!validated.ok());
    QCOMPARE(validated.error().kind, ErrorKind::BadRequest);
    QCOMPARE(validated.error().code, code);
    QVERIFY2(validated.error().description.contains(mention, Qt::CaseInsensitive),
             qPrintable(validated.error().description));

    // Registering the same metadata fails the same way and stores nothing.
    QSignalSpy registered(m_registry.get(), &ClientRegistry::clientRegistered);
    const Result<Client> refused = m_registry->registerClient(object(json), u"http"_s);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, code);
    QCOMPARE(registered.count(), 0);
    QVERIFY(m_registry->clients().value().isEmpty());
}

void TestClientRegistry::wrongTypes_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("code");

    const QString metadata = u"invalid_client_metadata"_s;
    QTest::newRow("redirect_uris string")
        << u"redirect_uris"_s << QJsonValue(u"https://a/cb"_s) << u"invalid_redirect_uri"_s;
    QTest::newRow("redirect_uris numbers")
        << u"redirect_uris"_s << QJsonValue(QJsonArray{1, 2}) << u"invalid_redirect_uri"_s;
    QTest::newRow("redirect_uris object")
        << u"redirect_uris"_s << QJsonValue(QJsonObject{{u"a"_s, 1}}) << u"invalid_redirect_uri"_s;
    QTest::newRow("grant_types string") << u"grant_types"_s << QJsonValue(u"authorization_code"_s) << metadata;
    QTest::newRow("grant_types numbers") << u"grant_types"_s << QJsonValue(QJsonArray{1}) << metadata;
    QTest::newRow("response_types string") << u"response_types"_s << QJsonValue(u"code"_s) << metadata;
    QTest::newRow("response_types mixed") << u"response_types"_s << QJsonValue(QJsonArray{u"code"_s, true}) << metadata;
    QTest::newRow("token_endpoint_auth_method number") << u"token_endpoint_auth_method"_s << QJsonValue(1) << metadata;
    QTest::newRow("token_endpoint_auth_method array")
        << u"token_endpoint_auth_method"_s << QJsonValue(QJsonArray{u"none"_s}) << metadata;
    QTest::newRow("client_name number") << u"client_name"_s << QJsonValue(42) << metadata;
    QTest::newRow("client_name object") << u"client_name"_s << QJsonValue(QJsonObject{}) << metadata;
    QTest::newRow("scope array") << u"scope"_s << QJsonValue(QJsonArray{u"openid"_s}) << metadata;
    QTest::newRow("scope boolean") << u"scope"_s << QJsonValue(true) << metadata;
    QTest::newRow("jwks string") << u"jwks"_s << QJsonValue(u"{\"keys\":[]}"_s) << metadata;
    QTest::newRow("jwks array") << u"jwks"_s << QJsonValue(QJsonArray{}) << metadata;
    QTest::newRow("jwks keys not array") << u"jwks"_s << QJsonValue(QJsonObject{{u"keys"_s, u"k"_s}}) << metadata;
    QTest::newRow("jwks_uri number") << u"jwks_uri"_s << QJsonValue(5) << metadata;
    QTest::newRow("launch_uri boolean") << u"launch_uri"_s << QJsonValue(true) << metadata;
    QTest::newRow("logo_uri array") << u"logo_uri"_s << QJsonValue(QJsonArray{u"https://a/logo"_s}) << metadata;
    QTest::newRow("client_uri number") << u"client_uri"_s << QJsonValue(1) << metadata;
    QTest::newRow("policy_uri object") << u"policy_uri"_s << QJsonValue(QJsonObject{}) << metadata;
    QTest::newRow("tos_uri boolean") << u"tos_uri"_s << QJsonValue(false) << metadata;
    QTest::newRow("contacts string") << u"contacts"_s << QJsonValue(u"ops@example.org"_s) << metadata;
    QTest::newRow("contacts numbers") << u"contacts"_s << QJsonValue(QJsonArray{1}) << metadata;
    QTest::newRow("software_id number") << u"software_id"_s << QJsonValue(7) << metadata;
    QTest::newRow("software_version number") << u"software_version"_s << QJsonValue(1.5) << metadata;
    QTest::newRow("security_labels string") << u"security_labels"_s << QJsonValue(u"patient"_s) << metadata;
    QTest::newRow("security_labels numbers") << u"security_labels"_s << QJsonValue(QJsonArray{1}) << metadata;
}

void TestClientRegistry::wrongTypes()
{
    QFETCH(QString, field);
    QFETCH(QJsonValue, value);
    QFETCH(QString, code);

    QJsonObject metadata{{u"redirect_uris"_s, s_redirect}};
    metadata.insert(field, value);
    const Result<Client> validated = ClientRegistry::validate(metadata);
    QVERIFY(!validated.ok());
    QCOMPARE(validated.error().code, code);
    QVERIFY2(validated.error().description.contains(field), qPrintable(validated.error().description));
}

void TestClientRegistry::normalisesValues()
{
    const Result<Client> registered = m_registry->registerClient(object(R"({"client_name": "  Padded Name  ",
                   "redirect_uris": ["https://a.example.org/cb", "https://a.example.org/cb"],
                   "grant_types": ["authorization_code", "authorization_code"],
                   "scope": "openid  openid   fhirUser",
                   "security_labels": []})"),
                                                                 u"ui"_s);
    QVERIFY(registered.ok());
    QCOMPARE(registered->name, u"Padded Name"_s);
    QCOMPARE(registered->redirectUris, QStringList{u"https://a.example.org/cb"_s});
    QCOMPARE(registered->grantTypes, QStringList{u"authorization_code"_s});
    QCOMPARE(registered->scope, u"openid fhirUser"_s);
    QCOMPARE(registered->securityLabels, QStringList()); // given explicitly: no defaults added

    // A blank name falls back to the id.
    const Result<Client> blank
        = m_registry->registerClient(withRedirect(QJsonObject{{u"client_name"_s, u"   "_s}}), u"ui"_s);
    QVERIFY(blank.ok());
    QCOMPARE(blank->name, blank->id);
}

void TestClientRegistry::unknownFieldsEchoed()
{
    const QJsonObject extension{{u"nested"_s, QJsonArray{1, u"two"_s}}};
    const Result<Client> registered
        = m_registry->registerClient(withRedirect(QJsonObject{{u"x_vendor_flag"_s, true},
                                                              {u"x_vendor_config"_s, extension},
                                                              {u"software_statement"_s, u"eyJhbGciOi..."_s}}),
                                     u"http"_s);
    QVERIFY(registered.ok());
    const QJsonObject json = registered->registrationJson();
    QCOMPARE(json.value(u"x_vendor_flag"_s), QJsonValue(true));
    QCOMPARE(json.value(u"x_vendor_config"_s).toObject(), extension);
    QCOMPARE(json.value(u"software_statement"_s).toString(), u"eyJhbGciOi..."_s);
    // ...also after a round trip through the database.
    const QJsonObject stored = m_registry->find(registered->id).value()->registrationJson();
    QCOMPARE(stored.value(u"x_vendor_config"_s).toObject(), extension);
}

void TestClientRegistry::serverAssignsCredentials()
{
    const Result<Client> registered = m_registry->registerClient(
        withRedirect(QJsonObject{{u"client_id"_s, u"my-chosen-id"_s},
                                 {u"client_secret"_s, u"my-chosen-secret"_s},
                                 {u"client_id_issued_at"_s, 1},
                                 {u"client_secret_expires_at"_s, 2},
                                 {u"registration_access_token"_s, u"rat"_s},
                                 {u"registration_client_uri"_s, u"https://evil.example.org/"_s}}),
        u"http"_s);
    QVERIFY(registered.ok());
    QVERIFY(registered->id != u"my-chosen-id"_s);
    QVERIFY(registered->secret != u"my-chosen-secret"_s);
    const QJsonObject json = registered->registrationJson();
    QCOMPARE(json.value(u"client_id"_s).toString(), registered->id);
    QCOMPARE(json.value(u"client_secret"_s).toString(), registered->secret);
    QCOMPARE(json.value(u"client_id_issued_at"_s).toInteger(), TestSupport::s_epochMs / 1000);
    QCOMPARE(json.value(u"client_secret_expires_at"_s).toInteger(), 0);
    QVERIFY(!json.contains(u"registration_access_token"_s));
    QVERIFY(!json.contains(u"registration_client_uri"_s));
    QVERIFY(!m_registry->find(u"my-chosen-id"_s).value().has_value());

    // Each registration gets its own credentials.
    const Result<Client> second = m_registry->registerClient(QJsonObject{{u"redirect_uris"_s, s_redirect}}, u"http"_s);
    QVERIFY(second.ok());
    QVERIFY(second->id != registered->id);
    QVERIFY(second->secret != registered->secret);
}

void TestClientRegistry::clientRegisteredSignal()
{
    QSignalSpy registered(m_registry.get(), &ClientRegistry::clientRegistered);
    const Result<Client> client
        = m_registry->registerClient(withRedirect(QJsonObject{{u"client_name"_s, u"Announced"_s}}), u"ui"_s);
    QVERIFY(client.ok());
    QCOMPARE(registered.count(), 1);
    const Client announced = registered.at(0).at(0).value<Client>();
    QCOMPARE(announced.id, client->id);
    QCOMPARE(announced.secret, client->secret);
    QCOMPARE(announced.name, u"Announced"_s);
    QCOMPARE(announced.origin, u"ui"_s);

    // A refused registration announces nothing.
    QVERIFY(!m_registry->registerClient(QJsonObject{{u"redirect_uris"_s, QJsonArray{u"/relative"_s}}}, u"ui"_s).ok());
    QCOMPARE(registered.count(), 1);
}

void TestClientRegistry::removeClient()
{
    const Result<Client> client = m_registry->registerClient(QJsonObject{{u"redirect_uris"_s, s_redirect}}, u"ui"_s);
    QVERIFY(client.ok());
    QSignalSpy removed(m_registry.get(), &ClientRegistry::clientRemoved);

    const Result<bool> first = m_registry->remove(client->id);
    QVERIFY(first.ok());
    QVERIFY(first.value());
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.at(0).at(0).toString(), client->id);
    QVERIFY(!m_registry->find(client->id).value().has_value());

    const Result<bool> again = m_registry->remove(client->id);
    QVERIFY(again.ok());
    QVERIFY(!again.value());
    QCOMPARE(removed.count(), 1);
}

void TestClientRegistry::registrationTextMatchesTheObject_data()
{
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("registrationToken");
    QTest::newRow("confidential") << u"s3cret"_s << u"rat"_s;
    QTest::newRow("public, no registration token") << QString() << QString();
}

void TestClientRegistry::registrationTextMatchesTheObject()
{
    // The answer is written directly; it must be the object the metadata plus the sandbox's own
    // members make, member for member and byte for byte, wherever the metadata's keys sort.
    QFETCH(QString, secret);
    QFETCH(QString, registrationToken);
    Client client;
    client.id = u"0190c6f2-7b1e-7000-8000-000000000001"_s;
    client.secret = secret;
    client.name = u"Caf\u00e9 \"app\""_s;
    client.redirectUris = {u"https://app.example/cb"_s, u"http://localhost:9001/authorized"_s};
    client.scope = u"launch/patient patient/*.read"_s;
    client.securityLabels = defaultSecurityLabels();
    client.tokenEndpointAuthMethod = secret.isNull() ? u"none"_s : u"client_secret_basic"_s;
    client.grantTypes = {u"authorization_code"_s, u"refresh_token"_s};
    client.issuedAtMs = 1'767'225'599'999;
    client.registrationAccessToken = registrationToken;
    client.metadata = QJsonObject{
        {u"a_first"_s, 1.5},
        {u"client_secret"_s, u"from the metadata"_s},
        {u"client_secret_expires_at"_s, 99},
        {u"contacts"_s, QJsonArray{u"ops@example.org"_s}},
        {u"jwks"_s, QJsonObject{{u"keys"_s, QJsonArray{QJsonObject{{u"kty"_s, u"EC"_s}}}}}},
        {u"logo_uri"_s, u"https://app.example/logo.png"_s},
        {u"registration_client_uri"_s, u"stale"_s},
        {u"scope"_s, u"stale"_s},
        {u"software_id"_s, QJsonValue()},
        {u"zz_last"_s, true},
    };
    const QString uri = u"http://127.0.0.1:9000/oauth/register/"_s + client.id;

    QJsonObject expected = client.metadata;
    // The registry never stores the RFC 7592 members (they are the server's); were they in the
    // metadata, the answer would still only carry the server's own.
    expected.remove(u"registration_client_uri"_s);
    expected.insert(u"client_id"_s, client.id);
    expected.insert(u"client_name"_s, client.name);
    if (!secret.isNull()) {
        expected.insert(u"client_secret"_s, secret);
        expected.insert(u"client_secret_expires_at"_s, 0);
    } else {
        expected.remove(u"client_secret"_s);
        expected.remove(u"client_secret_expires_at"_s);
    }
    expected.insert(u"client_id_issued_at"_s, 1'767'225'599);
    expected.insert(u"redirect_uris"_s, QJsonArray::fromStringList(client.redirectUris));
    expected.insert(u"scope"_s, client.scope);
    expected.insert(u"token_endpoint_auth_method"_s, client.tokenEndpointAuthMethod);
    expected.insert(u"grant_types"_s, QJsonArray::fromStringList(client.grantTypes));
    expected.insert(u"security_labels"_s, QJsonArray::fromStringList(client.securityLabels));
    expected.insert(u"access_token_format"_s, u"opaque"_s);
    QCOMPARE(client.registrationJson(), expected);
    QCOMPARE(client.registrationJsonText(), QJsonDocument(expected).toJson(QJsonDocument::Compact));

    expected.insert(u"registration_client_uri"_s, uri);
    if (!registrationToken.isEmpty())
        expected.insert(u"registration_access_token"_s, registrationToken);
    QCOMPARE(client.registrationJsonText(uri, registrationToken),
             QJsonDocument(expected).toJson(QJsonDocument::Compact));
}

QTEST_GUILESS_MAIN(TestClientRegistry)
#include "tst_clientregistry.moc"
