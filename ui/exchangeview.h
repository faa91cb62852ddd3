// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Traffic tab's detail pane: the selected exchange's summary and findings, then its request
// and response (headers, and bodies with JSON pretty-printed and coloured, forms as name = value
// lines), and every JWT in it, decoded by core's JwtInspector: header and payload, the time
// claims as dates, and whether the signature checks.

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QTabWidget;
class Sandbox;
struct InspectedJwt;
struct RequestLogEntry;

class ExchangeView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ExchangeView)

public:
    explicit ExchangeView(Sandbox &sandbox, QWidget *parent = nullptr);
    ~ExchangeView() override;

    void showEntry(const RequestLogEntry &entry);
    void clear();

    // What the panes show for one side of an exchange: the first line, the headers and the body
    // (JSON pretty-printed, forms as fields, binary as a size).
    static QString describeRequest(const RequestLogEntry &entry);
    static QString describeResponse(const RequestLogEntry &entry);
    // One decoded JWT: where it was, the signature check, header, payload and its times as dates
    // (with how far they are from the sandbox clock's now).
    static QString describeJwt(const InspectedJwt &jwt, qint64 nowMs);
    static QString describeSignature(const InspectedJwt &jwt);

private:
    Sandbox &m_sandbox;
    QLabel *m_summaryLabel;
    QLabel *m_findingsLabel;
    QTabWidget *m_tabs;
    QPlainTextEdit *m_requestEdit;
    QPlainTextEdit *m_responseEdit;
    QPlainTextEdit *m_jwtEdit;
};
