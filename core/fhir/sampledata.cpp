// SPDX-License-Identifier: Apache-2.0
#include "sampledata.h"

#include "sampledirectory.h"
#include "samplehistory.h"
#include "samplepeople.h"
#include "samplerandom.h"

using namespace Qt::StringLiterals;

namespace SampleData {

QList<QJsonObject> generate(const Options &options)
{
    QList<QJsonObject> resources = SampleDirectory::resources();
    const SampleRandom root(options.seed);
    const QList<SamplePerson> people
        = SamplePeople::people(options.seed, qMax(0, options.extraPatients), options.referenceDate);
    for (const SamplePerson &person : people) {
        // Each patient has a stream of its own: more or fewer extra patients never change the
        // history of another.
        SampleHistory history(person, options.referenceDate, root.fork(u"history "_s + person.id));
        resources.append(history.write());
    }
    return resources;
}

QList<PatientSummary> patients(const Options &options)
{
    QList<PatientSummary> summaries;
    const QList<SamplePerson> people
        = SamplePeople::people(options.seed, qMax(0, options.extraPatients), options.referenceDate);
    for (const SamplePerson &person : people) {
        summaries.append({person.id, person.displayName(), person.birthDate.toString(Qt::ISODate), person.gender});
    }
    return summaries;
}

QString usersLabelSystem()
{
    return u"http://smarthealthit.org/security/users"_s;
}

QString categoriesLabelSystem()
{
    return u"http://smarthealthit.org/security/categories"_s;
}

} // namespace SampleData
