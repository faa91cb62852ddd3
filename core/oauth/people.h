// SPDX-License-Identifier: Apache-2.0
#pragma once

// The portal's people: users who sign in, and the patients each may act for.

#include <QString>

struct User
{
    QString username;
    QString displayName;
    QString passwordHash;
};

struct Patient
{
    QString id;
    QString displayName;
    QString birthDate; // YYYY-MM-DD, may be empty
    QString gender;
};

// One patient a user may act for: their own record ("self") or someone they represent ("delegate").
struct UserPatient
{
    QString username;
    Patient patient;
    QString relationship; // "self" or "delegate"
};
