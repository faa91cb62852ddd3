// SPDX-License-Identifier: Apache-2.0
// Group commit (docs/decisions/0071): on a SQLite file, the writes made while a GroupScope lives
// on the grouping thread share one transaction until endGroup(). What another connection (another
// process) sees, what a failed write takes back, and what each group's end reports.

#include "coretestdatabase.h"
#include "storage/database.h"
#include "testsupport.h"

#include <QTest>
#include <QThread>

using namespace Qt::StringLiterals;

namespace {

// What the hooks were told.
struct Events
{
    int opened = 0;
    QList<QPair<quint64, QString>> ended; // group, "" when committed or the error's code

    Database::GroupHooks hooks()
    {
        Database::GroupHooks hooks;
        hooks.opened = [this] { ++opened; };
        hooks.ended = [this](quint64 group, const Status &outcome) {
            ended.append({group, outcome ? QString() : outcome.error().code});
        };
        return hooks;
    }
};

Status insert(const Database &database, const QString &key)
{
    Result<int> inserted = database.change(u"INSERT INTO settings (key, value) VALUES (?, 'x')"_s, {key});
    if (!inserted)
        return inserted.error();
    return Done{};
}

QStringList keys(const Database &database)
{
    Result<QList<QSqlRecord>> rows = database.all(u"SELECT key FROM settings WHERE key LIKE 'k%' ORDER BY key"_s);
    QStringList result;
    if (rows) {
        for (const QSqlRecord &row : rows.value())
            result.append(row.value(0).toString());
    }
    return result;
}

} // namespace

// A SQLite file opened twice: `database` groups its writes (its hooks tell `events`), and `other`
// reads what is committed, as another process would.
#define OPEN_GROUPED_FILE() \
    const TestSupport::TestDatabase file(TestSupport::TestDatabase::Engine::Sqlite); \
    OPEN_DATABASE(database, file.location()); \
    OPEN_DATABASE(other, file.location()); \
    Events events; \
    QVERIFY(database.enableGroups(events.hooks()))

class TestGroupCommit final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void onlySqliteFilesGroup();
    void writesInScopeShareOneCommit();
    void failedJobTakesBackOnlyItself();
    void jobWithoutSavepointLosesTheGroupOnlyAfterAChange();
    void writeOutOfScopeCommitsTheGroupFirst();
    void otherThreadsWaitForTheGroup();
    void fullDiskLosesNothingUnannounced();
    void disableCommits();
};

void TestGroupCommit::onlySqliteFilesGroup()
{
    OPEN_DATABASE(memory, u":memory:"_s);
    Events events;
    QVERIFY(!memory.enableGroups(events.hooks()));
    {
        const Database::GroupScope scope(memory);
        QVERIFY(insert(memory, u"k1"_s).ok());
        QCOMPARE(memory.openGroup(), quint64(0)); // committed at once, as without a scope
    }
    QCOMPARE(events.opened, 0);

    const TestSupport::TestDatabase file(TestSupport::TestDatabase::Engine::Sqlite);
    OPEN_DATABASE(database, file.location());
    QVERIFY(database.enableGroups(events.hooks()));
    // Without a scope nothing is grouped either.
    QVERIFY(insert(database, u"k1"_s).ok());
    QCOMPARE(database.openGroup(), quint64(0));
    QCOMPARE(events.opened, 0);
}

void TestGroupCommit::writesInScopeShareOneCommit()
{
    OPEN_GROUPED_FILE();
    {
        const Database::GroupScope scope(database);
        QVERIFY(insert(database, u"k1"_s).ok());
        QVERIFY(database
                    .transaction([&]() -> Status {
                        if (Status first = insert(database, u"k2"_s); !first)
                            return first;
                        return insert(database, u"k3"_s);
                    })
                    .ok());
    }
    // One group, opened once, holding two jobs; this connection reads what it wrote.
    QCOMPARE(events.opened, 1);
    const quint64 group = database.openGroup();
    QVERIFY(group != 0);
    QCOMPARE(database.groupJobs(), quint64(2));
    QCOMPARE(keys(database), (QStringList{u"k1"_s, u"k2"_s, u"k3"_s}));
    QCOMPARE(keys(other), QStringList()); // not committed yet
    // A scope that only reads joins nothing.
    {
        const Database::GroupScope scope(database);
        QCOMPARE(keys(database).size(), 3);
    }
    QCOMPARE(database.groupJobs(), quint64(2));

    QVERIFY(database.endGroup().ok());
    QCOMPARE(database.openGroup(), quint64(0));
    QCOMPARE(events.ended, (QList<QPair<quint64, QString>>{{group, QString()}}));
    QCOMPARE(keys(other), (QStringList{u"k1"_s, u"k2"_s, u"k3"_s}));
    // Ending again does nothing; the next write in scope opens the next group.
    QVERIFY(database.endGroup().ok());
    QCOMPARE(events.ended.size(), 1);
    {
        const Database::GroupScope scope(database);
        QVERIFY(insert(database, u"k4"_s).ok());
    }
    QCOMPARE(database.openGroup(), group + 1);
    QCOMPARE(events.opened, 2);
    QVERIFY(database.endGroup().ok());
    QCOMPARE(keys(other).size(), 4);
}

void TestGroupCommit::failedJobTakesBackOnlyItself()
{
    OPEN_GROUPED_FILE();
    const quint64 generation = database.writeGeneration();
    {
        const Database::GroupScope scope(database);
        QVERIFY(insert(database, u"k1"_s).ok());
        // A transaction that wrote, then failed: its row goes, k1 stays.
        const Status failed = database.transaction([&]() -> Status {
            if (Status inserted = insert(database, u"k2"_s); !inserted)
                return inserted;
            return badRequest(u"test"_s, u"taken back"_s);
        });
        QVERIFY(!failed.ok());
        QCOMPARE(failed.error().code, u"test"_s);
        // A statement that fails by itself (a duplicate key) takes back nothing else.
        const Status duplicate = insert(database, u"k1"_s);
        QVERIFY(!duplicate.ok());
        QVERIFY(insert(database, u"k3"_s).ok());
    }
    QCOMPARE(database.groupJobs(), quint64(2));
    QVERIFY(database.writeGeneration() != generation); // caches may have read k2
    QVERIFY(database.endGroup().ok());
    QCOMPARE(events.ended.size(), 1);
    QCOMPARE(events.ended.first().second, QString());
    QCOMPARE(keys(other), (QStringList{u"k1"_s, u"k3"_s}));
    QCOMPARE(database.groupsLost(), quint64(0));
}

void TestGroupCommit::jobWithoutSavepointLosesTheGroupOnlyAfterAChange()
{
    OPEN_GROUPED_FILE();
    const auto twoInserts = [&](const QString &first, const QString &second) {
        return database.transaction(
            [&]() -> Status {
                if (Status inserted = insert(database, first); !inserted)
                    return inserted;
                return insert(database, second);
            },
            Database::JobUndo::LoseGroup);
    };
    {
        const Database::GroupScope scope(database);
        QVERIFY(insert(database, u"k1"_s).ok());
        // Its first statement fails (a duplicate key): SQLite took that back, and nothing else of
        // the job had changed, so the group goes on.
        const Status duplicateFirst = twoInserts(u"k1"_s, u"k9"_s);
        QVERIFY(!duplicateFirst.ok());
        // So does work that fails before it writes.
        const auto refuse = [] { return Status(badRequest(u"test"_s, u"refused"_s)); };
        QVERIFY(!database.transaction(refuse, Database::JobUndo::LoseGroup).ok());
        QCOMPARE(database.groupsLost(), quint64(0));
        QVERIFY(database.openGroup() != 0);
        QVERIFY(twoInserts(u"k2"_s, u"k3"_s).ok());
    }
    QCOMPARE(database.groupJobs(), quint64(2));
    QVERIFY(database.endGroup().ok());
    QCOMPARE(events.ended.last().second, QString());
    QCOMPARE(keys(other), (QStringList{u"k1"_s, u"k2"_s, u"k3"_s}));

    // A failure after the job changed a row cannot be taken back alone: the group is lost, k4 and
    // k5 with it, and its end says why.
    {
        const Database::GroupScope scope(database);
        QVERIFY(insert(database, u"k4"_s).ok());
        const quint64 group = database.openGroup();
        const Status failed = twoInserts(u"k5"_s, u"k1"_s);
        QVERIFY(!failed.ok());
        QCOMPARE(database.groupsLost(), quint64(1));
        QCOMPARE(database.openGroup(), quint64(0));
        QCOMPARE(events.ended.last(), (QPair<quint64, QString>{group, failed.error().code}));
        QCOMPARE(keys(database), (QStringList{u"k1"_s, u"k2"_s, u"k3"_s}));
        // The next write opens the next group.
        QVERIFY(insert(database, u"k6"_s).ok());
        QCOMPARE(database.openGroup(), group + 1);
    }
    QVERIFY(database.endGroup().ok());
    QCOMPARE(keys(other), (QStringList{u"k1"_s, u"k2"_s, u"k3"_s, u"k6"_s}));
}

void TestGroupCommit::writeOutOfScopeCommitsTheGroupFirst()
{
    OPEN_GROUPED_FILE();
    {
        const Database::GroupScope scope(database);
        QVERIFY(insert(database, u"k1"_s).ok());
    }
    // The window's own actions run out of scope: what a request wrote is committed before them,
    // and they commit at once.
    QVERIFY(insert(database, u"k2"_s).ok());
    QCOMPARE(events.ended.size(), 1);
    QCOMPARE(database.openGroup(), quint64(0));
    QCOMPARE(keys(other), (QStringList{u"k1"_s, u"k2"_s}));

    // So do transactions, scripts and checkpoints.
    for (int round = 0; round < 3; ++round) {
        {
            const Database::GroupScope scope(database);
            QVERIFY(insert(database, u"k%1a"_s.arg(round)).ok());
        }
        QVERIFY(database.openGroup() != 0);
        if (round == 0)
            QVERIFY(database.transaction([&] { return insert(database, u"k0b"_s); }).ok());
        else if (round == 1)
            QVERIFY(database.runScript({u"INSERT INTO settings (key, value) VALUES ('k1b', 'x')"_s}).ok());
        else
            QVERIFY(database.checkpoint().ok());
        QCOMPARE(database.openGroup(), quint64(0));
        QCOMPARE(events.ended.size(), 2 + round);
    }
    QCOMPARE(keys(other), (QStringList{u"k0a"_s, u"k0b"_s, u"k1"_s, u"k1a"_s, u"k1b"_s, u"k2"_s, u"k2a"_s}));
}

void TestGroupCommit::otherThreadsWaitForTheGroup()
{
    // Another thread of this process (the request log's writer) takes its turn after the group.
    const TestSupport::TestDatabase file(TestSupport::TestDatabase::Engine::Sqlite);
    OPEN_DATABASE(database, file.location());
    Events events;
    QVERIFY(database.enableGroups(events.hooks()));
    {
        const Database::GroupScope scope(database);
        QVERIFY(insert(database, u"k1"_s).ok());
    }
    std::atomic<bool> written = false;
    Status threadStatus = Done{};
    std::unique_ptr<QThread> thread(QThread::create([&] {
        // Out of the grouping thread, a scope changes nothing: this commits by itself.
        const Database::GroupScope scope(database);
        threadStatus = insert(database, u"k2"_s);
        written = true;
        database.closeConnection();
    }));
    thread->start();
    QVERIFY(!thread->wait(200)); // it waits for the write turn the group holds
    QVERIFY(!written);
    QVERIFY(database.endGroup().ok());
    QVERIFY(thread->wait(10'000));
    QVERIFY(threadStatus.ok());
    QCOMPARE(keys(database), (QStringList{u"k1"_s, u"k2"_s}));
}

void TestGroupCommit::fullDiskLosesNothingUnannounced()
{
    // The disk fills up in the middle of a group. SQLite then takes back the failed statement or
    // the whole transaction; either way, what ended() reports as committed is stored, and every
    // job it reports lost is gone.
    OPEN_GROUPED_FILE();
    const qint64 pages = database.scalar(u"PRAGMA page_count"_s).value().toLongLong();
    QVERIFY(database.one(u"PRAGMA max_page_count = %1"_s.arg(pages + 3)).ok());
    QStringList succeeded;
    bool refused = false;
    {
        const Database::GroupScope scope(database);
        for (int i = 0; i < 200 && !refused; ++i) {
            const QString key = u"k%1"_s.arg(i, 3, 10, QLatin1Char('0'));
            Result<int> inserted
                = database.change(u"INSERT INTO settings (key, value) VALUES (?, ?)"_s, {key, QString(3000, u'x')});
            if (inserted) {
                succeeded.append(key);
            } else {
                refused = true;
                QCOMPARE(inserted.error().kind, ErrorKind::Unavailable); // a full disk: 503
            }
        }
    }
    QVERIFY(refused);
    QVERIFY(!succeeded.isEmpty());
    (void)database.endGroup();
    QCOMPARE(database.openGroup(), quint64(0));
    QCOMPARE(events.ended.size(), 1);
    if (events.ended.first().second.isEmpty()) {
        QCOMPARE(database.groupsLost(), quint64(0));
        QCOMPARE(keys(other), succeeded);
    } else {
        QCOMPARE(database.groupsLost(), quint64(1));
        QCOMPARE(keys(other), QStringList());
    }
    // The database works on once there is room again.
    QVERIFY(database.one(u"PRAGMA max_page_count = 1000000"_s).ok());
    {
        const Database::GroupScope scope(database);
        QVERIFY(insert(database, u"k999"_s).ok());
    }
    QVERIFY(database.endGroup().ok());
    QVERIFY(keys(other).contains(u"k999"_s));
}

void TestGroupCommit::disableCommits()
{
    const TestSupport::TestDatabase file(TestSupport::TestDatabase::Engine::Sqlite);
    OPEN_DATABASE(other, file.location());
    Events events;
    {
        OPEN_DATABASE(database, file.location());
        QVERIFY(database.enableGroups(events.hooks()));
        {
            const Database::GroupScope scope(database);
            QVERIFY(insert(database, u"k1"_s).ok());
        }
        database.disableGroups();
        QCOMPARE(events.ended.size(), 1);
        QCOMPARE(keys(other), QStringList{u"k1"_s});
        // Grouping is off now.
        {
            const Database::GroupScope scope(database);
            QVERIFY(insert(database, u"k2"_s).ok());
            QCOMPARE(database.openGroup(), quint64(0));
        }
        QVERIFY(database.enableGroups(events.hooks()));
        {
            const Database::GroupScope scope(database);
            QVERIFY(insert(database, u"k3"_s).ok());
        }
        QVERIFY(database.openGroup() != 0);
    } // closing the database commits the open group
    QCOMPARE(keys(other), (QStringList{u"k1"_s, u"k2"_s, u"k3"_s}));
}

QTEST_GUILESS_MAIN(TestGroupCommit)
#include "tst_groupcommit.moc"
