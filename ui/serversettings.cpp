// SPDX-License-Identifier: Apache-2.0
#include "serversettings.h"

#include "sandbox.h"

#include <QSettings>

using namespace Qt::StringLiterals;

namespace {

const auto s_portKey = u"server/port"_s;
const auto s_bindKey = u"server/bind"_s;
const auto s_baseUrlKey = u"server/baseUrl"_s;
const auto s_upstreamKey = u"server/upstream"_s;
const auto s_databaseKey = u"server/database"_s;
const auto s_adminKeyKey = u"server/adminKey"_s;
const auto s_logCapKey = u"server/logCap"_s;

} // namespace

namespace ServerSettings {

void save(QSettings &settings, const SandboxOptions &options)
{
    settings.setValue(s_portKey, options.port);
    settings.setValue(s_bindKey, options.bindAddress.toString());
    settings.setValue(s_baseUrlKey, options.baseUrl);
    settings.setValue(s_upstreamKey, options.upstream);
    settings.setValue(s_databaseKey, options.database);
    settings.setValue(s_adminKeyKey, options.adminKey);
    settings.setValue(s_logCapKey, options.logCap);
    settings.sync();
}

void load(const QSettings &settings, SandboxOptions &options, const QStringList &givenOptions)
{
    const auto saved = [&](const QString &key, const QString &option) {
        return settings.contains(key) && !givenOptions.contains(option);
    };
    bool ok = false;
    if (saved(s_portKey, u"port"_s)) {
        const uint port = settings.value(s_portKey).toUInt(&ok);
        if (ok && port <= 65535)
            options.port = quint16(port);
    }
    if (saved(s_bindKey, u"bind"_s)) {
        QHostAddress address;
        if (address.setAddress(settings.value(s_bindKey).toString()))
            options.bindAddress = address;
    }
    if (saved(s_baseUrlKey, u"base-url"_s)) {
        const QString url = settings.value(s_baseUrlKey).toString();
        if (url.isEmpty())
            options.baseUrl.clear();
        else if (Result<QString> normalized = Sandbox::normalizeBaseUrl(url))
            options.baseUrl = normalized.value();
    }
    if (saved(s_upstreamKey, u"upstream"_s)) {
        const QString url = settings.value(s_upstreamKey).toString();
        if (url.isEmpty())
            options.upstream.clear();
        else if (Result<QString> normalized = Sandbox::normalizeBaseUrl(url))
            options.upstream = normalized.value();
    }
    if (saved(s_databaseKey, u"db"_s) && !settings.value(s_databaseKey).toString().isEmpty())
        options.database = settings.value(s_databaseKey).toString();
    if (saved(s_adminKeyKey, u"admin-key"_s)) {
        const QString key = settings.value(s_adminKeyKey).toString();
        if (key.isEmpty() || key.size() >= 8)
            options.adminKey = key;
    }
    if (saved(s_logCapKey, u"log-cap"_s)) {
        const qint64 cap = settings.value(s_logCapKey).toLongLong(&ok);
        if (ok && cap >= 1)
            options.logCap = cap;
    }
}

bool hasSaved(const QSettings &settings)
{
    return settings.contains(s_portKey);
}

} // namespace ServerSettings
