using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Security;
using CleanUser.Infrastructure.Identity;
using System.Collections.Concurrent;
using Microsoft.Extensions.Primitives;

namespace CleanUser.WebApi.Infrastructure;

/// <summary>
/// docs/api.md#authentication: turns <c>Authorization: Bearer|Token &lt;JWT&gt;</c> into the caller of this request. No header
/// leaves the caller anonymous; a header that does not hold a valid access token for an existing user is
/// refused with 401 — also on public endpoints, as Django REST Framework does, so a client with a broken
/// token learns it at once.
/// </summary>
public sealed class CallerMiddleware(RequestDelegate next)
{
    private static readonly string[] Schemes = ["Bearer", "Token"];

    public async Task InvokeAsync(HttpContext context, CurrentCaller caller, AccessTokens tokens, KnownUsers knownUsers)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(knownUsers);

        var header = context.Request.Headers.Authorization;
        if (!StringValues.IsNullOrEmpty(header))
        {
            var token = ReadToken(header.ToString())
                        ?? throw RequestRejectedException.AuthenticationFailed(
                            "Send the access token as 'Authorization: Bearer <token>'.");
            var result = tokens.Validate(token);
            if (result.UserId is not { } userId)
            {
                throw RequestRejectedException.AuthenticationFailed(result.Error!);
            }

            if (!await knownUsers.ExistsAsync(userId, context.RequestServices, context.RequestAborted).ConfigureAwait(false))
            {
                throw RequestRejectedException.AuthenticationFailed("User not found.");
            }

            caller.ActAs(Caller.ForUser(userId));
        }

        await next(context).ConfigureAwait(false);
    }

    private static string? ReadToken(string header)
    {
        var parts = header.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length == 2 && Schemes.Contains(parts[0], StringComparer.OrdinalIgnoreCase) && !parts[1].Contains(' ', StringComparison.Ordinal)
            ? parts[1]
            : null;
    }
}

/// <summary>
/// Whether a token's user exists (docs/api.md#authentication), asked of the database once per user and minute rather
/// than on every request. Only "exists" is remembered: the service never removes a user (a deleted account is a state
/// of the user, docs/api.md#authorization), so that answer cannot turn false through the API; a row removed by hand
/// in the database stops authenticating within <see cref="RememberFor"/>. A user that does not exist is asked again
/// each time, so a user created a moment ago is found at once (docs/adr/0018-known-users.md).
/// </summary>
public sealed class KnownUsers(TimeProvider time)
{
    public static readonly TimeSpan RememberFor = TimeSpan.FromMinutes(1);

    /// <summary>Bounds the memory: at most this many users are remembered; past it, the memory starts over.</summary>
    public const int Capacity = 100_000;

    private readonly ConcurrentDictionary<long, long> _seenUntil = new();

    public async ValueTask<bool> ExistsAsync(long userId, IServiceProvider requestServices, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requestServices);
        var now = time.GetTimestamp();
        if (_seenUntil.TryGetValue(userId, out var until) && now < until)
        {
            return true;
        }

        var users = requestServices.GetRequiredService<IUserRepository>();
        if (!await users.ExistsAsync(userId, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        if (_seenUntil.Count >= Capacity)
        {
            _seenUntil.Clear();
        }

        _seenUntil[userId] = now + (long)(RememberFor.TotalSeconds * time.TimestampFrequency);
        return true;
    }
}
