using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Security;
using CleanUser.Infrastructure.Identity;
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

    public async Task InvokeAsync(HttpContext context, CurrentCaller caller, AccessTokens tokens, IUserRepository users)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(users);

        var header = context.Request.Headers.Authorization;
        if (!StringValues.IsNullOrEmpty(header))
        {
            var token = ReadToken(header.ToString())
                        ?? throw RequestRejectedException.AuthenticationFailed(
                            "Send the access token as 'Authorization: Bearer <token>'.");
            var result = await tokens.ValidateAsync(token).ConfigureAwait(false);
            if (result.UserId is not { } userId)
            {
                throw RequestRejectedException.AuthenticationFailed(result.Error!);
            }

            if (!await users.ExistsAsync(userId, context.RequestAborted).ConfigureAwait(false))
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
