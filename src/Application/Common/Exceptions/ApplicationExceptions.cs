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
