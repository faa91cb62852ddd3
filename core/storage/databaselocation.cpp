// SPDX-License-Identifier: Apache-2.0
// DatabaseLocation (declared in database.h): what a --db string names.
#include "database.h"

#include <QRegularExpression>
#include <QUrl>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

Result<DatabaseLocation> DatabaseLocation::parse(const QString &spec)
{
    DatabaseLocation location;
    if (spec.isEmpty())
        return badRequest(u"invalid_database"_s, u"The database location is empty"_s);
    static const QRegularExpression otherScheme(u"^[A-Za-z][A-Za-z0-9+.-]*://"_s);
    const QString lower = spec.toLower();
    if (!lower.startsWith(u"postgres://"_s) && !lower.startsWith(u"postgresql://"_s)) {
        if (otherScheme.match(spec).hasMatch())
            return badRequest(
                u"invalid_database"_s,
                u"Unsupported database URL %1: use a SQLite file path, :memory: or postgresql://"_s.arg(spec));
        location.engine = DatabaseEngine::Sqlite;
        location.sqlitePath = spec;
        return location;
    }
    const QUrl url(spec, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty())
        return badRequest(u"invalid_database"_s,
                          u"Not a PostgreSQL URL (postgresql://user:password@host:port/dbname): %1"_s.arg(spec));
    location.engine = DatabaseEngine::Postgres;
    location.host = url.host();
    location.port = url.port(5432);
    location.user = url.userName();
    location.password = url.password();
    location.name = url.path().mid(1);
    if (location.name.isEmpty())
        location.name = location.user.isEmpty() ? u"postgres"_s : location.user;
    const QUrlQuery query(url);
    QStringList options;
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded))
        options.append(key + u'=' + value);
    location.connectOptions = options.join(u';');
    return location;
}

QString DatabaseLocation::displayName() const
{
    if (engine == DatabaseEngine::Sqlite)
        return sqlitePath;
    QString text = u"postgresql://"_s;
    if (!user.isEmpty())
        text += user + u'@';
    return text + host + u':' + QString::number(port) + u'/' + name;
}

std::optional<DatabaseLocation> DatabaseLocation::requestLogLocation() const
{
    if (engine != DatabaseEngine::Sqlite || sqlitePath == u":memory:"_s)
        return std::nullopt;
    DatabaseLocation log = *this;
    log.sqlitePath = sqlitePath + u"-requestlog"_s;
    return log;
}
