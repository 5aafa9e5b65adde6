namespace CleanUser.Application.Common.Exceptions;

/// <summary>The request needs a signed-in caller and has none (401).</summary>
public sealed class NotAuthenticatedException()
    : Exception("Authentication credentials were not provided.");

/// <summary>The caller may not do this (403 <c>permission_denied</c>).</summary>
public sealed class ForbiddenException(string message)
    : Exception(message);

/// <summary>The resource does not exist (404).</summary>
public sealed class NotFoundException(string resource, object key)
    : Exception($"No {resource} matches the given query.")
{
    public string Resource { get; } = resource;

    public object Key { get; } = key;
}

/// <summary>The change lost a race it could not win by retrying (409).</summary>
public sealed class ConflictException(string code, string message)
    : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>The client's <c>If-Match</c> no longer matches the stored user (412).</summary>
public sealed class PreconditionFailedException()
    : Exception("The user has changed since it was read; read it again and retry.");

/// <summary>The stored row changed between read and write (optimistic concurrency); the transaction may retry.</summary>
public sealed class ConcurrencyConflictException(Exception innerException)
    : Exception("The user was changed by another request at the same time.", innerException);

/// <summary>A JSON Patch operation cannot be applied to the profile (400), e.g. a path that is not a writable field.</summary>
public sealed class InvalidPatchException(IReadOnlyList<string> problems)
    : Exception(string.Join(" ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>
/// Something the service depends on cannot serve the request right now — the database busy, full or unreachable,
/// storage full, image processing saturated, the request out of time (503 <c>service_unavailable</c> with
/// <c>Retry-After</c>). Nothing of the request was written.
/// </summary>
public sealed class ServiceUnavailableException(string message, TimeSpan retryAfter, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>The default hint when the cause gives none.</summary>
    public static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(5);

    public ServiceUnavailableException(string message, Exception? innerException = null)
        : this(message, DefaultRetryAfter, innerException)
    {
    }

    public TimeSpan RetryAfter { get; } = retryAfter;
}
