// SPDX-License-Identifier: Apache-2.0
// The SMART scope grammar as a client app meets it: which scope strings the sandbox accepts, what
// it reads from them, and which grants cover which requests.

#include "oauth/scopes.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {

constexpr int C = int(Scope::Permission::Create);
constexpr int R = int(Scope::Permission::Read);
constexpr int U = int(Scope::Permission::Update);
constexpr int D = int(Scope::Permission::Delete);
constexpr int S = int(Scope::Permission::Search);

Scope parsed(const QString &text)
{
    Result<Scope> scope = Scopes::parseOne(text);
    if (!scope)
        qFatal("test scope %s does not parse", qPrintable(text));
    return scope.value();
}

} // namespace

class TestScopes final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseOne_data();
    void parseOne();
    void parseOneRefuses_data();
    void parseOneRefuses();
    void parse_data();
    void parse();
    void covers_data();
    void covers();
    void uncovered();
    void defaultClientScopeParses();
};

void TestScopes::parseOne_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("context");
    QTest::addColumn<QString>("resourceType");
    QTest::addColumn<int>("permissions");
    QTest::addColumn<bool>("v2");
    QTest::addColumn<QString>("query");

    const int resource = int(Scope::Kind::Resource);
    // SMART v1
    QTest::newRow("v1 patient type read") << u"patient/Observation.read"_s << resource << u"patient"_s
                                          << u"Observation"_s << (R | S) << false << QString();
    QTest::newRow("v1 patient wildcard read")
        << u"patient/*.read"_s << resource << u"patient"_s << u"*"_s << (R | S) << false << QString();
    QTest::newRow("v1 user wildcard write")
        << u"user/*.write"_s << resource << u"user"_s << u"*"_s << (C | U | D) << false << QString();
    QTest::newRow("v1 patient wildcard all")
        << u"patient/*.*"_s << resource << u"patient"_s << u"*"_s << (C | R | U | D | S) << false << QString();
    QTest::newRow("v1 system type read") << u"system/Patient.read"_s << resource << u"system"_s << u"Patient"_s
                                         << (R | S) << false << QString();
    // SMART v2
    QTest::newRow("v2 rs") << u"patient/Observation.rs"_s << resource << u"patient"_s << u"Observation"_s << (R | S)
                           << true << QString();
    QTest::newRow("v2 cruds") << u"user/Patient.cruds"_s << resource << u"user"_s << u"Patient"_s << (C | R | U | D | S)
                              << true << QString();
    QTest::newRow("v2 single letter c") << u"patient/Observation.c"_s << resource << u"patient"_s << u"Observation"_s
                                        << C << true << QString();
    QTest::newRow("v2 ud") << u"user/*.ud"_s << resource << u"user"_s << u"*"_s << (U | D) << true << QString();
    QTest::newRow("v2 granular query") << u"patient/Observation.rs?category=laboratory"_s << resource << u"patient"_s
                                       << u"Observation"_s << (R | S) << true << u"category=laboratory"_s;
    QTest::newRow("v2 granular token query")
        << u"patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|vital-signs"_s
        << resource << u"patient"_s << u"Observation"_s << (R | S) << true
        << u"category=http://terminology.hl7.org/CodeSystem/observation-category|vital-signs"_s;
    // The others
    QTest::newRow("launch") << u"launch"_s << int(Scope::Kind::Launch) << QString() << QString() << 0 << false
                            << QString();
    QTest::newRow("launch/patient") << u"launch/patient"_s << int(Scope::Kind::LaunchContext) << QString() << QString()
                                    << 0 << false << QString();
    QTest::newRow("launch/encounter") << u"launch/encounter"_s << int(Scope::Kind::LaunchContext) << QString()
                                      << QString() << 0 << false << QString();
    QTest::newRow("openid") << u"openid"_s << int(Scope::Kind::OpenId) << QString() << QString() << 0 << false
                            << QString();
    QTest::newRow("fhirUser") << u"fhirUser"_s << int(Scope::Kind::FhirUser) << QString() << QString() << 0 << false
                              << QString();
    QTest::newRow("profile") << u"profile"_s << int(Scope::Kind::Profile) << QString() << QString() << 0 << false
                             << QString();
    QTest::newRow("offline_access") << u"offline_access"_s << int(Scope::Kind::OfflineAccess) << QString() << QString()
                                    << 0 << false << QString();
    QTest::newRow("online_access") << u"online_access"_s << int(Scope::Kind::OnlineAccess) << QString() << QString()
                                   << 0 << false << QString();
}

void TestScopes::parseOne()
{
    QFETCH(QString, text);
    QFETCH(int, kind);
    QFETCH(QString, context);
    QFETCH(QString, resourceType);
    QFETCH(int, permissions);
    QFETCH(bool, v2);
    QFETCH(QString, query);

    const Result<Scope> scope = Scopes::parseOne(text);
    QVERIFY2(scope.ok(), qPrintable(scope.ok() ? QString() : scope.error().description));
    QCOMPARE(int(scope->kind), kind);
    QCOMPARE(scope->text, text);
    QCOMPARE(scope->context, context);
    QCOMPARE(scope->resourceType, resourceType);
    QCOMPARE(int(scope->permissions.toInt()), permissions);
    QCOMPARE(scope->v2Syntax, v2);
    QCOMPARE(scope->query, query);
}

void TestScopes::parseOneRefuses_data()
{
    QTest::addColumn<QString>("text");

    QTest::newRow("junk") << u"junk"_s;
    QTest::newRow("empty") << QString(u""_s);
    QTest::newRow("v2 out of order sr") << u"patient/Observation.sr"_s;
    QTest::newRow("v2 out of order dc") << u"patient/Observation.dc"_s;
    QTest::newRow("v2 repeated rr") << u"patient/Observation.rr"_s;
    QTest::newRow("v2 repeated crudss") << u"patient/Observation.crudss"_s;
    QTest::newRow("v2 unknown letter x") << u"patient/Observation.rx"_s;
    QTest::newRow("v2 upper case RS") << u"patient/Observation.RS"_s;
    QTest::newRow("v1 upper case Read") << u"patient/Observation.Read"_s;
    QTest::newRow("v1 unknown verb") << u"patient/Observation.readwrite"_s;
    QTest::newRow("double star") << u"patient/*.**"_s;
    QTest::newRow("no permissions") << u"patient/Observation"_s;
    QTest::newRow("empty permissions") << u"patient/Observation."_s;
    QTest::newRow("lower-case type") << u"patient/observation.read"_s;
    QTest::newRow("unknown context") << u"practitioner/Observation.read"_s;
    QTest::newRow("capitalised context") << u"Patient/Observation.read"_s;
    QTest::newRow("extra path") << u"patient/Observation/x.read"_s;
    QTest::newRow("v1 read with query") << u"patient/Observation.read?category=laboratory"_s;
    QTest::newRow("v1 star with query") << u"patient/*.*?category=laboratory"_s;
    QTest::newRow("v2 empty query") << u"patient/Observation.rs?"_s;
    QTest::newRow("v2 query with quote") << u"patient/Observation.rs?code=\"x\""_s;
    QTest::newRow("launch slash only") << u"launch/"_s;
    QTest::newRow("launch context with punctuation") << u"launch/pat!ent"_s;
    QTest::newRow("launch prefix") << u"launcher"_s;
    QTest::newRow("openid capitalised") << u"OpenID"_s;
    QTest::newRow("fhiruser lower case") << u"fhiruser"_s;
    QTest::newRow("offline access hyphen") << u"offline-access"_s;
    QTest::newRow("embedded space") << u"patient/*.read openid"_s;
}

void TestScopes::parseOneRefuses()
{
    QFETCH(QString, text);

    const Result<Scope> scope = Scopes::parseOne(text);
    QVERIFY(!scope.ok());
    QCOMPARE(scope.error().kind, ErrorKind::BadRequest);
    QCOMPARE(scope.error().code, u"invalid_scope"_s);
    // A developer reading the error learns which token was wrong.
    QVERIFY2(scope.error().description.contains(u'"' + text + u'"'), qPrintable(scope.error().description));
}

void TestScopes::parse_data()
{
    QTest::addColumn<QString>("scopeString");
    QTest::addColumn<QStringList>("expected"); // the tokens kept, in order
    QTest::addColumn<QString>("refused"); // the token named in the error; empty when it parses

    QTest::newRow("fixture scope") << u"launch/patient patient/*.read offline_access"_s
                                   << QStringList{u"launch/patient"_s, u"patient/*.read"_s, u"offline_access"_s}
                                   << QString();
    QTest::newRow("double spaces ignored")
        << u"openid  fhirUser   launch"_s << QStringList{u"openid"_s, u"fhirUser"_s, u"launch"_s} << QString();
    QTest::newRow("leading and trailing spaces") << u"  openid "_s << QStringList{u"openid"_s} << QString();
    QTest::newRow("duplicates removed") << u"openid patient/*.read openid fhirUser patient/*.read"_s
                                        << QStringList{u"openid"_s, u"patient/*.read"_s, u"fhirUser"_s} << QString();
    QTest::newRow("v1 and v2 mixed") << u"patient/Observation.rs?category=vital-signs user/*.cruds"_s
                                     << QStringList{u"patient/Observation.rs?category=vital-signs"_s, u"user/*.cruds"_s}
                                     << QString();
    QTest::newRow("empty string") << QString(u""_s) << QStringList() << QString();
    QTest::newRow("only spaces") << u"   "_s << QStringList() << QString();
    QTest::newRow("junk in the middle") << u"openid junk fhirUser"_s << QStringList() << u"junk"_s;
    QTest::newRow("bad v2 after good ones")
        << u"patient/*.read patient/Observation.sr"_s << QStringList() << u"patient/Observation.sr"_s;
    QTest::newRow("comma separated") << u"openid,fhirUser"_s << QStringList() << u"openid,fhirUser"_s;
}

void TestScopes::parse()
{
    QFETCH(QString, scopeString);
    QFETCH(QStringList, expected);
    QFETCH(QString, refused);

    const Result<QList<Scope>> scopes = Scopes::parse(scopeString);
    if (!refused.isEmpty()) {
        QVERIFY(!scopes.ok());
        QCOMPARE(scopes.error().code, u"invalid_scope"_s);
        QVERIFY2(scopes.error().description.contains(u'"' + refused + u'"'), qPrintable(scopes.error().description));
        return;
    }
    QVERIFY2(scopes.ok(), qPrintable(scopes.ok() ? QString() : scopes.error().description));
    QStringList texts;
    for (const Scope &scope : scopes.value())
        texts.append(scope.text);
    QCOMPARE(texts, expected);
    QCOMPARE(Scopes::join(scopes.value()), expected.join(u' '));
}

void TestScopes::covers_data()
{
    QTest::addColumn<QString>("granted");
    QTest::addColumn<QString>("requested");
    QTest::addColumn<bool>("covered");

    QTest::newRow("wildcard read covers type read") << u"patient/*.read"_s << u"patient/Observation.read"_s << true;
    QTest::newRow("wildcard read covers v2 rs") << u"patient/*.read"_s << u"patient/Observation.rs"_s << true;
    QTest::newRow("wildcard read covers v2 r") << u"patient/*.read"_s << u"patient/Observation.r"_s << true;
    QTest::newRow("wildcard read covers itself") << u"patient/*.read"_s << u"patient/*.read"_s << true;
    QTest::newRow("wildcard read not write") << u"patient/*.read"_s << u"patient/Observation.write"_s << false;
    QTest::newRow("wildcard read not v2 c") << u"patient/*.read"_s << u"patient/Observation.c"_s << false;
    QTest::newRow("wildcard read not rsu") << u"patient/*.read"_s << u"patient/Observation.rus"_s << false;
    QTest::newRow("patient does not cover user") << u"patient/*.read"_s << u"user/Observation.read"_s << false;
    QTest::newRow("user does not cover patient") << u"user/*.read"_s << u"patient/Observation.read"_s << false;
    QTest::newRow("patient does not cover system") << u"patient/*.*"_s << u"system/Observation.read"_s << false;
    QTest::newRow("type does not cover wildcard") << u"patient/Observation.read"_s << u"patient/*.read"_s << false;
    QTest::newRow("type does not cover other type")
        << u"patient/Observation.read"_s << u"patient/Condition.read"_s << false;
    QTest::newRow("star covers cruds") << u"patient/*.*"_s << u"patient/Observation.cruds"_s << true;
    QTest::newRow("write covers cud") << u"patient/*.write"_s << u"patient/Observation.cud"_s << true;
    QTest::newRow("write not read") << u"patient/*.write"_s << u"patient/Observation.r"_s << false;
    QTest::newRow("v2 rs covers v1 read") << u"patient/Observation.rs"_s << u"patient/Observation.read"_s << true;
    QTest::newRow("v2 r does not cover v1 read")
        << u"patient/Observation.r"_s << u"patient/Observation.read"_s << false;
    QTest::newRow("plain covers granular")
        << u"patient/Observation.rs"_s << u"patient/Observation.rs?category=x"_s << true;
    QTest::newRow("granular covers same granular")
        << u"patient/Observation.rs?category=x"_s << u"patient/Observation.rs?category=x"_s << true;
    QTest::newRow("granular does not cover plain")
        << u"patient/Observation.rs?category=x"_s << u"patient/Observation.rs"_s << false;
    QTest::newRow("granular does not cover other granular")
        << u"patient/Observation.rs?category=x"_s << u"patient/Observation.rs?category=y"_s << false;
    QTest::newRow("launch/patient covers itself") << u"launch/patient"_s << u"launch/patient"_s << true;
    QTest::newRow("launch/patient not launch/encounter") << u"launch/patient"_s << u"launch/encounter"_s << false;
    QTest::newRow("launch not launch/patient") << u"launch"_s << u"launch/patient"_s << false;
    QTest::newRow("openid covers itself") << u"openid"_s << u"openid"_s << true;
    QTest::newRow("openid not fhirUser") << u"openid"_s << u"fhirUser"_s << false;
    QTest::newRow("offline not online") << u"offline_access"_s << u"online_access"_s << false;
    QTest::newRow("resource scope not openid") << u"patient/*.*"_s << u"openid"_s << false;
}

void TestScopes::covers()
{
    QFETCH(QString, granted);
    QFETCH(QString, requested);
    QFETCH(bool, covered);

    QCOMPARE(parsed(granted).covers(parsed(requested)), covered);
}

void TestScopes::uncovered()
{
    const Result<QList<Scope>> granted = Scopes::parse(u"launch/patient patient/*.read openid"_s);
    QVERIFY(granted.ok());
    const Result<QList<Scope>> requested = Scopes::parse(
        u"openid patient/Observation.rs patient/Condition.write fhirUser patient/Observation.read launch/patient"_s);
    QVERIFY(requested.ok());

    QCOMPARE(Scopes::uncovered(requested.value(), granted.value()),
             (QStringList{u"patient/Condition.write"_s, u"fhirUser"_s}));
    QCOMPARE(Scopes::uncovered(granted.value(), granted.value()), QStringList());
    QCOMPARE(Scopes::uncovered({}, granted.value()), QStringList());
    QCOMPARE(Scopes::uncovered(granted.value(), {}),
             (QStringList{u"launch/patient"_s, u"patient/*.read"_s, u"openid"_s}));
}

void TestScopes::defaultClientScopeParses()
{
    const Result<QList<Scope>> scopes = Scopes::parse(Scopes::defaultClientScope());
    QVERIFY(scopes.ok());
    QCOMPARE(Scopes::join(scopes.value()), Scopes::defaultClientScope());
    // A patient-facing app: patient context, read access to the record, a refresh token, identity.
    QCOMPARE(Scopes::uncovered(
                 Scopes::parse(u"launch/patient patient/Observation.rs offline_access openid fhirUser"_s).value(),
                 scopes.value()),
             QStringList());
}

QTEST_GUILESS_MAIN(TestScopes)
#include "tst_scopes.moc"
