// SPDX-License-Identifier: Apache-2.0
#include "pagerenderer.h"

#include <QFile>
#include <QMutex>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace {

QString loadTemplate(const QString &name)
{
    static QMutex mutex;
    static QHash<QString, QString> cache;
    QMutexLocker locker(&mutex);
    auto it = cache.constFind(name);
    if (it != cache.constEnd())
        return it.value();
    QFile file(u":/portal/%1.html"_s.arg(name));
    QString text;
    if (file.open(QIODevice::ReadOnly))
        text = QString::fromUtf8(file.readAll());
    cache.insert(name, text);
    return text;
}

} // namespace

namespace PageRenderer {

QString escape(const QString &text)
{
    return text.toHtmlEscaped().replace(u'\'', u"&#39;"_s);
}

QString fragment(const QString &templateName, const Values &values)
{
    static const QRegularExpression placeholder(uR"(\{\{(\{?)([a-z_]+)\}?\}\})"_s);
    const QString source = loadTemplate(templateName);
    QString result;
    result.reserve(source.size() * 2);
    qsizetype last = 0;
    QRegularExpressionMatchIterator it = placeholder.globalMatch(source);
    while (it.hasNext()) {
        const QRegularExpressionMatch match = it.next();
        result += QStringView(source).mid(last, match.capturedStart() - last);
        const QString value = values.value(match.captured(2));
        result += match.captured(1).isEmpty() ? escape(value) : value;
        last = match.capturedEnd();
    }
    result += QStringView(source).mid(last);
    return result;
}

QByteArray page(const QString &templateName, const QString &title, const Values &values, const QString &accountHtml)
{
    return fragment(u"layout"_s,
                    {{u"title"_s, title}, {u"content"_s, fragment(templateName, values)}, {u"account"_s, accountHtml}})
        .toUtf8();
}

} // namespace PageRenderer
