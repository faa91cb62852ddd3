// SPDX-License-Identifier: Apache-2.0
#pragma once

// The values of the SMART App Launch authorization flow: a pending authorization request (what
// an app asked for, carried through login, patient picker and consent), the code it ends in, an
// EHR launch context and a signed-in portal session.

#include <QJsonObject>
#include <QString>
#include <QStringList>

struct AuthorizationRequest
{
    QString id;
    QString clientId;
    QString redirectUri;
    QString scope; // what will be offered on the consent page (the request, within the registration)
    QString state; // null when the app sent none
    QString nonce;
    QString codeChallenge;
    QString codeChallengeMethod;
    QString aud;
    QString launchId;
    QString username; // set once a person signs in (or by the EHR launch)
    QString patientId; // set by the picker, the only patient, or the EHR launch
    QString encounterId;
    QString csrfToken; // every form of this flow carries it
    QStringList findings;
    qint64 createdAtMs = 0;
    qint64 expiresAtMs = 0;
};

struct AuthorizationCode
{
    QString code;
    QString approvalId;
    QString clientId;
    QString redirectUri;
    QString scope;
    QString codeChallenge;
    QString codeChallengeMethod;
    QString nonce;
    QJsonObject launchContext; // need_patient_banner, smart_style_url, encounter...
    qint64 createdAtMs = 0;
    qint64 expiresAtMs = 0;
    qint64 usedAtMs = 0;
};

struct Launch
{
    QString id;
    QString clientId;
    QString username;
    QString patientId;
    QString encounterId;
    qint64 createdAtMs = 0;
    qint64 expiresAtMs = 0;
};

struct PortalSession
{
    QString id;
    QString username;
    qint64 createdAtMs = 0;
    qint64 expiresAtMs = 0;
};
