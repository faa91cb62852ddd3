// SPDX-License-Identifier: Apache-2.0
#pragma once

// Lists and objects kept as JSON in TEXT columns, the form both SQLite and PostgreSQL store alike.

#include <QJsonObject>
#include <QStringList>

namespace JsonText {

QString fromStringList(const QStringList &list);
QStringList toStringList(const QString &text);
QString fromObject(const QJsonObject &object);
QJsonObject toObject(const QString &text);

} // namespace JsonText
