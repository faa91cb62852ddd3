// SPDX-License-Identifier: Apache-2.0
#include "bodytext.h"

#include <QStringDecoder>

using namespace Qt::StringLiterals;

BodyText BodyText::encode(const QByteArray &body)
{
    if (!body.contains('\0')) {
        QStringDecoder decoder(QStringDecoder::Utf8,
                               QStringDecoder::Flag::Stateless | QStringDecoder::Flag::ConvertInitialBom);
        QString text = decoder.decode(body);
        if (!decoder.hasError())
            return BodyText{std::move(text), u"utf-8"_s};
    }
    return BodyText{QString::fromLatin1(body.toBase64()), u"base64"_s};
}

QByteArray BodyText::decode() const
{
    if (encoding == u"base64"_s)
        return QByteArray::fromBase64(text.toLatin1());
    return text.toUtf8();
}
