// SPDX-License-Identifier: Apache-2.0
#include "fhirjson.h"

using namespace Qt::StringLiterals;

namespace Fhir {

QJsonObject operationOutcome(const QString &severity, const QString &code, const QString &diagnostics)
{
    return QJsonObject{
        {u"resourceType"_s, u"OperationOutcome"_s},
        {u"issue"_s,
         QJsonArray{QJsonObject{{u"severity"_s, severity}, {u"code"_s, code}, {u"diagnostics"_s, diagnostics}}}},
    };
}

QString issueType(const Error &error)
{
    switch (error.kind) {
    case ErrorKind::BadRequest: return error.code == u"not_supported" ? u"not-supported"_s : u"invalid"_s;
    case ErrorKind::Unauthorized: return u"login"_s;
    case ErrorKind::Forbidden: return u"forbidden"_s;
    case ErrorKind::NotFound: return u"not-found"_s;
    case ErrorKind::Conflict: return u"conflict"_s;
    case ErrorKind::TooLarge: return u"too-costly"_s;
    case ErrorKind::Storage: return u"exception"_s;
    case ErrorKind::Unavailable: return u"transient"_s;
    }
    return u"processing"_s;
}

QJsonObject searchEntry(const QString &base, const QJsonObject &resource, const QString &mode)
{
    QJsonObject entry;
    if (resource.contains(u"id"_s)) {
        entry.insert(u"fullUrl"_s,
                     QString(base + u'/' + resource.value(u"resourceType"_s).toString() + u'/'
                             + resource.value(u"id"_s).toString()));
    }
    entry.insert(u"resource"_s, resource);
    entry.insert(u"search"_s, QJsonObject{{u"mode"_s, mode}});
    return entry;
}

QJsonObject bundle(const QString &type, const QJsonArray &entries, const QList<BundleLink> &links,
                   std::optional<int> total)
{
    QJsonObject bundle{{u"resourceType"_s, u"Bundle"_s}, {u"type"_s, type}};
    if (total)
        bundle.insert(u"total"_s, *total);
    QJsonArray linkArray;
    for (const BundleLink &link : links)
        linkArray.append(QJsonObject{{u"relation"_s, link.relation}, {u"url"_s, link.url}});
    if (!linkArray.isEmpty())
        bundle.insert(u"link"_s, linkArray);
    if (!entries.isEmpty())
        bundle.insert(u"entry"_s, entries);
    return bundle;
}

QJsonObject historyEntry(const QString &base, const StoredResource &version, bool first)
{
    const QString url = version.reference();
    QJsonObject entry{{u"fullUrl"_s, QString(base + u'/' + url)}};
    if (!version.deleted)
        entry.insert(u"resource"_s, version.content);
    const QString method = version.deleted ? u"DELETE"_s : (first ? u"POST"_s : u"PUT"_s);
    entry.insert(u"request"_s, QJsonObject{{u"method"_s, method}, {u"url"_s, method == u"POST" ? version.type : url}});
    entry.insert(u"response"_s,
                 QJsonObject{{u"status"_s, version.deleted ? u"204"_s : (first ? u"201"_s : u"200"_s)},
                             {u"etag"_s, QString::fromLatin1(etag(version.versionId))},
                             {u"lastModified"_s, ResourceStore::instant(version.lastUpdatedMs)}});
    return entry;
}

QByteArray etag(int versionId)
{
    return "W/\"" + QByteArray::number(versionId) + '"';
}

} // namespace Fhir
