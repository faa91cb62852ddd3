// SPDX-License-Identifier: Apache-2.0
#pragma once

// The words the window uses for broken-on-purpose tokens (the Mint dialog's Defect list, the Tokens
// table): a short name and what an app sees when it uses such a token, both translatable.

#include "oauth/token.h"

#include <QString>

namespace DefectText {

// "Expired", "Wrong aud"...; "None" for TokenDefect::None.
QString name(TokenDefect defect);
// One sentence: how the token fails at the FHIR endpoint and at introspection.
QString consequence(TokenDefect defect);

} // namespace DefectText
