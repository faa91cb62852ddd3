// SPDX-License-Identifier: Apache-2.0
#include "statsstore.h"

#include "database.h"

using namespace Qt::StringLiterals;

namespace StatsStore {

Result<PortalCounts> counts(const Database &database, qint64 nowMs)
{
    Result<std::optional<QSqlRecord>> record = database.one(
        u"SELECT (SELECT COUNT(*) FROM clients), (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM patients), "
        "(SELECT COUNT(*) FROM approvals), (SELECT COUNT(*) FROM tokens), "
        "(SELECT COUNT(*) FROM tokens WHERE revoked_at IS NULL AND expires_at > ?)"_s,
        {nowMs});
    if (!record)
        return record.error();
    const QSqlRecord &row = *record.value();
    return PortalCounts{row.value(0).toLongLong(), row.value(1).toLongLong(), row.value(2).toLongLong(),
                        row.value(3).toLongLong(), row.value(4).toLongLong(), row.value(5).toLongLong()};
}

} // namespace StatsStore
