// SPDX-License-Identifier: Apache-2.0
#pragma once

// The HTTPS certificate and key: read from PEM files the user names, or a self-signed
// certificate for localhost and 127.0.0.1 made with OpenSSL on the first run and kept in a
// folder, so that a client that pinned it keeps trusting the sandbox across restarts. Qt can
// read certificates but not make them, hence OpenSSL's API (already linked through libjose).

#include "result.h"

#include <QSslCertificate>
#include <QSslKey>

struct TlsIdentity
{
    QSslCertificate certificate;
    QSslKey key;
    QString certificateFile; // where it was read from (or written to)
};

namespace TlsCertificate {

// Reads a PEM certificate and its PEM private key (RSA or EC, unencrypted); errors name the file.
Result<TlsIdentity> load(const QString &certificateFile, const QString &keyFile);
// The certificate kept in `directory` (tls-certificate.pem, tls-key.pem), made first when there
// is none: self-signed, RSA 2048 and SHA-256, for localhost, 127.0.0.1 and ::1, valid ten years.
Result<TlsIdentity> loadOrCreate(const QString &directory);
// A new self-signed identity as PEM, for `loadOrCreate` and tests: certificate, then key.
Result<std::pair<QByteArray, QByteArray>> createSelfSigned(const QString &commonName);

} // namespace TlsCertificate
