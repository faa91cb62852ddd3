// SPDX-License-Identifier: Apache-2.0
#pragma once

// A registered client application (RFC 7591 metadata plus what the sandbox adds).

#include "accesstokenformat.h"

#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <QStringList>

struct Client
{
    QString id;
    QString secret; // null for public clients and private_key_jwt clients
    QString name;
    QStringList redirectUris;
    QString scope;
    QStringList securityLabels;
    QString tokenEndpointAuthMethod; // none, client_secret_basic, client_secret_post, private_key_jwt
    QStringList grantTypes;
    QJsonObject metadata; // every registration field as stored, including ones the sandbox ignores
    QString origin; // "fixture", "http" or "ui": who created it
    QString registrationAccessToken; // RFC 7592: lets the registrant read, update and delete it
    AccessTokenFormat accessTokenFormat = AccessTokenFormat::Opaque; // "access_token_format"
    qint64 issuedAtMs = 0;
    qint64 updatedAtMs = 0;

    bool isPublic() const { return tokenEndpointAuthMethod == QLatin1String("none"); }
    // The app's EHR launch URL (the launch_uri registration field, a sandbox extension); empty
    // when it registered none.
    QString launchUri() const { return metadata.value(QLatin1String("launch_uri")).toString(); }

    // The RFC 7591 "client information response": the metadata plus client_id, client_secret,
    // client_id_issued_at and client_secret_expires_at.
    QJsonObject registrationJson() const;
    // The same as compact JSON text, written directly (keys in QJsonObject's order), with RFC
    // 7592's registration_client_uri and registration_access_token when they are not empty:
    // building the QJsonObject and writing it out cost more than the rest of a registration.
    QByteArray registrationJsonText(QStringView registrationClientUri = {},
                                    QStringView registrationAccessToken = {}) const;
};

// The SMART Example Server's security labels, which the fixtures and new clients carry.
QStringList defaultSecurityLabels();

Q_DECLARE_METATYPE(Client)
