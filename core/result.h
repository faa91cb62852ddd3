// SPDX-License-Identifier: Apache-2.0
#pragma once

// What every service returns instead of throwing: a value, or an Error that the HTTP layer maps
// to a status and body in one place (Http::errorResponse in server/http.cpp).

#include <QString>

#include <optional>
#include <utility>
#include <variant>

enum class ErrorKind {
    BadRequest, // the caller sent something invalid (400)
    Unauthorized, // credentials missing or wrong (401)
    Forbidden, // known caller, not allowed (403)
    NotFound, // no such thing (404)
    Conflict, // state does not allow it (409)
    TooLarge, // body over the limit (413)
    Storage, // the database failed (500, logged)
    Unavailable, // a dependency is not reachable (503)
};

struct Error
{
    ErrorKind kind = ErrorKind::BadRequest;
    QString code; // protocol error code, e.g. "invalid_client_metadata"
    QString description; // one sentence for a developer
};

template<typename T>
class [[nodiscard]] Result
{
public:
    Result(T value) : m_data(std::move(value)) { }
    Result(Error error) : m_data(std::move(error)) { }

    bool ok() const { return std::holds_alternative<T>(m_data); }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return std::get<T>(m_data); }
    T &value() & { return std::get<T>(m_data); }
    T &&value() && { return std::get<T>(std::move(m_data)); }
    const T &operator*() const & { return value(); }
    const T *operator->() const { return &value(); }

    const Error &error() const { return std::get<Error>(m_data); }

private:
    std::variant<T, Error> m_data;
};

// For operations that return nothing but may fail.
struct Done
{ };
using Status = Result<Done>;

inline Error badRequest(QString code, QString description)
{
    return Error{ErrorKind::BadRequest, std::move(code), std::move(description)};
}

inline Error storageError(QString description)
{
    return Error{ErrorKind::Storage, QStringLiteral("server_error"), std::move(description)};
}
