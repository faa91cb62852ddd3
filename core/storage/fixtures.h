// SPDX-License-Identifier: Apache-2.0
#pragma once

// The reference fixtures (users, patients, clients of the SMART Example Server) and the reset
// that returns the portal's state to them in one transaction.

#include "result.h"

class Database;

namespace Fixtures {

// Deletes every client, user, patient, approval, code, token and FHIR resource, then loads the
// fixtures and the generated sample data (the three fixture patients' records and
// `samplePatients` more). All of it happens in one transaction: nothing half-reset is ever
// visible. The request log is kept.
// Deletes every client, user, patient, approval, launch, code, token, fault rule and scenario
// (what a reset and a configuration import replace); FHIR resources and the request log stay.
Status clearPortal(const Database &database);

Status reset(const Database &database, qint64 nowMs, int samplePatients = 25);

} // namespace Fixtures
