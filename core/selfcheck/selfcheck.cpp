// SPDX-License-Identifier: Apache-2.0
#include "selfcheck.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkCookieJar>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>

using namespace Qt::StringLiterals;

namespace {

// No answer within this time is a failed check, never a hang.
constexpr int s_transferTimeoutMs = 15000;

} // namespace

QByteArray SelfCheck::Reply::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

QJsonObject SelfCheck::Reply::json() const
{
    return QJsonDocument::fromJson(body).object();
}

bool SelfCheck::Reply::isJson() const
{
    const QByteArray type = header("content-type").toLower();
    return (type.startsWith("application/json") || type.startsWith("application/fhir+json"))
        && QJsonDocument::fromJson(body).isObject();
}

QString SelfCheck::Reply::describe() const
{
    return u"HTTP %1 %2"_s.arg(status).arg(QString::fromUtf8(body.left(160)).simplified());
}

SelfCheck::SelfCheck(const QUrl &base, QObject *parent)
    : QObject(parent), m_base(base), m_network(new QNetworkAccessManager(this))
{
    QString origin = m_base.toString(QUrl::RemoveQuery | QUrl::RemoveFragment);
    while (origin.endsWith(u'/'))
        origin.chop(1);
    // Given the FHIR base instead of the origin: the checks add /api/fhir themselves.
    if (origin.endsWith(u"/api/fhir"_s))
        origin.chop(9);
    m_base = QUrl(origin);
}

SelfCheck::~SelfCheck() = default;

void SelfCheck::start()
{
    if (m_running)
        return;
    m_running = true;
    m_unreachable = false;
    m_outcome = Outcome::Passed;
    m_results.clear();
    m_network->setCookieJar(new QNetworkCookieJar(m_network)); // a fresh browser each run
    m_steps = steps();
    m_nextStep = 0;
    runNext();
}

void SelfCheck::runNext()
{
    if (m_unreachable || m_nextStep >= m_steps.size()) {
        finish();
        return;
    }
    const Step step = m_steps.at(m_nextStep++);
    QPointer<SelfCheck> self(this);
    step([self] {
        if (!self)
            return;
        // Queued, so that a long chain of checks does not grow the stack.
        QMetaObject::invokeMethod(self, &SelfCheck::runNext, Qt::QueuedConnection);
    });
}

void SelfCheck::finish()
{
    m_running = false;
    if (m_unreachable)
        m_outcome = Outcome::Unreachable;
    else if (std::any_of(m_results.cbegin(), m_results.cend(), [](const CheckResult &r) { return !r.passed; }))
        m_outcome = Outcome::Failed;
    else
        m_outcome = Outcome::Passed;
    Q_EMIT finished(m_outcome);
}

void SelfCheck::report(const QString &name, const QString &rule, bool passed, const QString &detail)
{
    const CheckResult result{name, rule, passed, detail};
    m_results.append(result);
    Q_EMIT checkFinished(result);
}

void SelfCheck::notRun(const QString &name, const QString &rule, const QString &missing)
{
    report(name, rule, false, u"not run: %1"_s.arg(missing));
}

void SelfCheck::send(const QByteArray &method, const QString &url, const QByteArray &body,
                     const QList<QPair<QByteArray, QByteArray>> &headers, Handler handler)
{
    const QUrl target = url.startsWith(u'/') ? QUrl(m_base.toString() + url) : QUrl(url);
    QNetworkRequest request(target);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(s_transferTimeoutMs);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    QNetworkReply *reply = m_network->sendCustomRequest(request, method, body);
    connect(reply, &QNetworkReply::finished, this, [reply, handler = std::move(handler)] {
        reply->deleteLater();
        Reply answer;
        answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        answer.body = reply->readAll();
        answer.headers = reply->rawHeaderPairs();
        if (answer.status == 0)
            answer.networkError = reply->errorString();
        handler(answer);
    });
}

void SelfCheck::get(const QString &url, Handler handler, const QList<QPair<QByteArray, QByteArray>> &headers)
{
    send("GET", url, {}, headers, std::move(handler));
}

void SelfCheck::postForm(const QString &url, const QList<QPair<QString, QString>> &fields, Handler handler)
{
    QByteArray body;
    for (const auto &[name, value] : fields) {
        if (!body.isEmpty())
            body += '&';
        body += QUrl::toPercentEncoding(name) + '=' + QUrl::toPercentEncoding(value);
    }
    send("POST", url, body, {{"Content-Type", "application/x-www-form-urlencoded"}}, std::move(handler));
}

QString SelfCheck::table(const QList<CheckResult> &results)
{
    qsizetype width = 5;
    for (const CheckResult &result : results)
        width = std::max(width, result.name.size());
    QString text = u"CHECK"_s.leftJustified(width + 2) + u"RESULT  DETAIL\n"_s;
    qsizetype failed = 0;
    for (const CheckResult &result : results) {
        failed += result.passed ? 0 : 1;
        text += result.name.leftJustified(width + 2) + (result.passed ? u"pass    "_s : u"FAIL    "_s) + result.rule
            + (result.detail.isEmpty() ? QString() : u": "_s + result.detail) + u'\n';
    }
    text += u"%1 checks, %2 passed, %3 failed\n"_s.arg(results.size()).arg(results.size() - failed).arg(failed);
    return text;
}
