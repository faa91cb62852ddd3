// SPDX-License-Identifier: Apache-2.0
#pragma once

// Server-rendered portal pages from the HTML templates in resources/portal: {{name}} is replaced
// by the HTML-escaped value, {{{name}}} by a fragment that is already HTML. Every value a client
// or person supplied goes through {{name}}, so nothing they send is ever markup.

#include <QByteArray>
#include <QHash>
#include <QString>

namespace PageRenderer {

using Values = QHash<QString, QString>;

QString escape(const QString &text);
// One template filled in, without the layout.
QString fragment(const QString &templateName, const Values &values);
// A whole page: the template inside the layout, with a title and the signed-in account line.
QByteArray page(const QString &templateName, const QString &title, const Values &values,
                const QString &accountHtml = {});

} // namespace PageRenderer
