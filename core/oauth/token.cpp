// SPDX-License-Identifier: Apache-2.0
#include "token.h"

bool TokenView::accessActive(qint64 nowMs) const
{
    if (token.revokedAtMs != 0 || nowMs >= token.expiresAtMs)
        return false;
    return !hasApproval || approval.revokedAtMs == 0;
}

bool TokenView::refreshActive(qint64 nowMs) const
{
    if (token.refreshToken.isNull() || token.revokedAtMs != 0 || token.refreshUsedAtMs != 0 || !hasApproval)
        return false;
    return approval.revokedAtMs == 0 && nowMs < approval.expiresAtMs;
}
