// SPDX-License-Identifier: Apache-2.0
#include "defecttext.h"

#include <QCoreApplication>

namespace DefectText {

QString name(TokenDefect defect)
{
    switch (defect) {
    case TokenDefect::None: return QCoreApplication::translate("DefectText", "None");
    case TokenDefect::Expired: return QCoreApplication::translate("DefectText", "Expired");
    case TokenDefect::Revoked: return QCoreApplication::translate("DefectText", "Revoked");
    case TokenDefect::OtherPatient: return QCoreApplication::translate("DefectText", "Other patient");
    case TokenDefect::MissingScope: return QCoreApplication::translate("DefectText", "Missing scope");
    case TokenDefect::WrongAudience: return QCoreApplication::translate("DefectText", "Wrong aud");
    case TokenDefect::WrongIssuer: return QCoreApplication::translate("DefectText", "Wrong iss");
    case TokenDefect::BadSignature: return QCoreApplication::translate("DefectText", "Bad signature");
    }
    return {};
}

QString consequence(TokenDefect defect)
{
    switch (defect) {
    case TokenDefect::None: return QCoreApplication::translate("DefectText", "A good token");
    case TokenDefect::Expired:
        return QCoreApplication::translate("DefectText", "Already expired: FHIR answers 401, introspection inactive");
    case TokenDefect::Revoked:
        return QCoreApplication::translate("DefectText", "Already revoked: FHIR answers 401, introspection inactive");
    case TokenDefect::OtherPatient:
        return QCoreApplication::translate(
            "DefectText", "For another patient than the one chosen: reads of the chosen patient answer 404");
    case TokenDefect::MissingScope:
        return QCoreApplication::translate("DefectText",
                                           "Without the scopes that read Patient: FHIR answers 403 insufficient_scope");
    case TokenDefect::WrongAudience:
        return QCoreApplication::translate("DefectText",
                                           "A JWT for another FHIR server (aud): FHIR answers 401, introspection "
                                           "inactive");
    case TokenDefect::WrongIssuer:
        return QCoreApplication::translate("DefectText",
                                           "A JWT from another issuer (iss): FHIR answers 401, introspection inactive");
    case TokenDefect::BadSignature:
        return QCoreApplication::translate("DefectText",
                                           "A JWT whose signature does not verify: FHIR answers 401, introspection "
                                           "inactive");
    }
    return {};
}

} // namespace DefectText
