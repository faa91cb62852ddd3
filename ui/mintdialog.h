// SPDX-License-Identifier: Apache-2.0
#pragma once

// "Mint token": a token for a chosen client, user and patient without a browser, through the same
// TokenService call as POST /oauth/debug/token. The scope is checked as it is typed; the result
// shows the access token, the refresh token and a curl command that reads the patient.

#include "oauth/token.h"

#include <QDialog>

#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QWidget;
class Sandbox;
struct DebugTokenRequest;

class MintDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MintDialog)

public:
    explicit MintDialog(Sandbox &sandbox, QWidget *parent = nullptr);
    ~MintDialog() override;

    bool selectClient(const QString &clientId);
    bool selectUser(const QString &username);
    bool selectPatient(const QString &patientId);
    void setScope(const QString &scope);
    // Seconds the access token lives; a value not in the list selects "custom".
    void setAccessLifetime(qint64 seconds);
    // False when the defect is not offered for the current client (the JWT-only ones for a
    // client with opaque tokens).
    bool selectDefect(TokenDefect defect);
    // Whether the Defect list offers `defect` for the current client.
    bool defectAvailable(TokenDefect defect) const;

    DebugTokenRequest request() const;
    // The scope error shown under the field, empty when the scope parses.
    QString scopeError() const;
    // Mints with the current fields; false (with the reason shown) when the service refused.
    bool mint();
    std::optional<TokenView> mintedToken() const { return m_minted; }
    QString curlCommand() const;

Q_SIGNALS:
    void tokenMinted(const TokenView &token);

private:
    void loadClients();
    void loadUsers();
    void loadPatients();
    void clientChanged();
    void validateScope();
    void updateLifetime();
    void updateDefects();

    Sandbox &m_sandbox;
    QComboBox *m_clientCombo;
    QComboBox *m_userCombo;
    QComboBox *m_patientCombo;
    QLineEdit *m_scopeEdit;
    QLabel *m_scopeErrorLabel;
    QComboBox *m_lifetimeCombo;
    QSpinBox *m_lifetimeSpin;
    QComboBox *m_defectCombo;
    QPushButton *m_mintButton;
    QLabel *m_errorLabel;
    QWidget *m_result;
    QLineEdit *m_accessTokenEdit;
    QLineEdit *m_refreshTokenEdit;
    QLineEdit *m_curlEdit;
    QLabel *m_defectLabel;
    std::optional<TokenView> m_minted;
    QString m_requestedPatientId; // what the curl reads: for other_patient, not the token's patient
};
