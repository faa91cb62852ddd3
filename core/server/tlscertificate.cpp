// SPDX-License-Identifier: Apache-2.0
#include "tlscertificate.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

using namespace Qt::StringLiterals;

namespace {

const auto s_certificateName = u"tls-certificate.pem"_s;
const auto s_keyName = u"tls-key.pem"_s;
constexpr long s_validSeconds = 10L * 366 * 24 * 3600;

template<typename T, void (*Free)(T *)>
struct Deleter
{
    void operator()(T *value) const { Free(value); }
};
using X509Pointer = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using KeyPointer = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using BioPointer = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using ExtensionPointer = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;

Error tlsError(const QString &description)
{
    return Error{ErrorKind::Unavailable, u"tls"_s, description};
}

QByteArray readBio(BIO *bio)
{
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return QByteArray(data, qsizetype(size));
}

bool addExtension(X509 *certificate, int nid, const char *value)
{
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
    const ExtensionPointer extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
    return extension && X509_add_ext(certificate, extension.get(), -1) == 1;
}

Result<QByteArray> readFile(const QString &fileName, const QString &what)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly))
        return tlsError(u"Cannot read the %1 %2: %3"_s.arg(what, fileName, file.errorString()));
    return file.readAll();
}

Status writePrivateFile(const QString &fileName, const QByteArray &content, QFileDevice::Permissions permissions)
{
    QSaveFile file(fileName);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size() || !file.commit())
        return tlsError(u"Cannot write %1: %2"_s.arg(fileName, file.errorString()));
    QFile::setPermissions(fileName, permissions);
    return Done{};
}

bool belongTogether(const QByteArray &certificatePem, const QByteArray &keyPem)
{
    const BioPointer certificateBio(BIO_new_mem_buf(certificatePem.constData(), int(certificatePem.size())));
    const BioPointer keyBio(BIO_new_mem_buf(keyPem.constData(), int(keyPem.size())));
    const X509Pointer certificate(PEM_read_bio_X509(certificateBio.get(), nullptr, nullptr, nullptr));
    const KeyPointer key(PEM_read_bio_PrivateKey(keyBio.get(), nullptr, nullptr, nullptr));
    return certificate && key && X509_check_private_key(certificate.get(), key.get()) == 1;
}

} // namespace

namespace TlsCertificate {

Result<TlsIdentity> load(const QString &certificateFile, const QString &keyFile)
{
    Result<QByteArray> certificatePem = readFile(certificateFile, u"certificate"_s);
    if (!certificatePem)
        return certificatePem.error();
    Result<QByteArray> keyPem = readFile(keyFile, u"private key"_s);
    if (!keyPem)
        return keyPem.error();
    const QList<QSslCertificate> certificates = QSslCertificate::fromData(certificatePem.value(), QSsl::Pem);
    if (certificates.isEmpty())
        return tlsError(u"%1 holds no PEM certificate"_s.arg(certificateFile));
    QSslKey key(keyPem.value(), QSsl::Rsa, QSsl::Pem);
    if (key.isNull())
        key = QSslKey(keyPem.value(), QSsl::Ec, QSsl::Pem);
    if (key.isNull())
        return tlsError(u"%1 holds no unencrypted PEM RSA or EC private key"_s.arg(keyFile));
    if (!belongTogether(certificates.first().toPem(), key.toPem()))
        return tlsError(u"The key in %1 does not belong to the certificate in %2"_s.arg(keyFile, certificateFile));
    return TlsIdentity{certificates.first(), key, certificateFile};
}

Result<std::pair<QByteArray, QByteArray>> createSelfSigned(const QString &commonName)
{
    const KeyPointer key(EVP_RSA_gen(2048));
    const X509Pointer certificate(X509_new());
    if (!key || !certificate)
        return tlsError(u"OpenSSL could not make a key"_s);
    X509_set_version(certificate.get(), 2); // X.509 v3
    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1)
        return tlsError(u"OpenSSL could not make a serial number"_s);
    serial[0] &= 0x7f; // positive
    BIGNUM *number = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(number, X509_get_serialNumber(certificate.get()));
    BN_free(number);
    X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(certificate.get()), s_validSeconds);
    X509_set_pubkey(certificate.get(), key.get());
    X509_NAME *name = X509_get_subject_name(certificate.get());
    const QByteArray common = commonName.toUtf8();
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char *>("SMART Sandbox"), -1,
                               -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char *>(common.constData()),
                               -1, -1, 0);
    X509_set_issuer_name(certificate.get(), name);
    const QByteArray alternativeNames = "DNS:" + common + ",DNS:localhost,IP:127.0.0.1,IP:::1";
    if (!addExtension(certificate.get(), NID_basic_constraints, "critical,CA:FALSE")
        || !addExtension(certificate.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment")
        || !addExtension(certificate.get(), NID_ext_key_usage, "serverAuth")
        || !addExtension(certificate.get(), NID_subject_key_identifier, "hash")
        || !addExtension(certificate.get(), NID_subject_alt_name, alternativeNames.constData()))
        return tlsError(u"OpenSSL could not add the certificate's extensions"_s);
    if (X509_sign(certificate.get(), key.get(), EVP_sha256()) == 0)
        return tlsError(u"OpenSSL could not sign the certificate"_s);

    const BioPointer certificateBio(BIO_new(BIO_s_mem()));
    const BioPointer keyBio(BIO_new(BIO_s_mem()));
    if (!certificateBio || !keyBio || PEM_write_bio_X509(certificateBio.get(), certificate.get()) != 1
        || PEM_write_bio_PrivateKey(keyBio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return tlsError(u"OpenSSL could not write the certificate as PEM"_s);
    return std::pair{readBio(certificateBio.get()), readBio(keyBio.get())};
}

Result<TlsIdentity> loadOrCreate(const QString &directory)
{
    const QDir dir(directory);
    const QString certificateFile = dir.filePath(s_certificateName);
    const QString keyFile = dir.filePath(s_keyName);
    if (QFileInfo::exists(certificateFile) && QFileInfo::exists(keyFile))
        return load(certificateFile, keyFile);
    if (!QDir().mkpath(directory))
        return tlsError(u"Cannot create the folder %1"_s.arg(directory));
    Result<std::pair<QByteArray, QByteArray>> created = createSelfSigned(u"localhost"_s);
    if (!created)
        return created.error();
    // The key first, readable by its owner only; the certificate last, so that a half-made pair
    // (a crash in between) is made again rather than loaded.
    if (Status written = writePrivateFile(keyFile, created.value().second, QFile::ReadOwner | QFile::WriteOwner);
        !written)
        return written.error();
    if (Status written = writePrivateFile(certificateFile, created.value().first,
                                          QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
        !written)
        return written.error();
    return load(certificateFile, keyFile);
}

} // namespace TlsCertificate
