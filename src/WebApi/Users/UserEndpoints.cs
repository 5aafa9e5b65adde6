using System.Globalization;
using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Security;
using CleanUser.Application.Users;
using CleanUser.Application.Users.Queries.GetCurrentUser;
using CleanUser.Application.Users.Queries.GetUser;
using CleanUser.WebApi.Idempotency;
using CleanUser.WebApi.Infrastructure;
using CleanUser.WebApi.OpenApi;
using MediatR;
using Microsoft.Net.Http.Headers;

namespace CleanUser.WebApi.Users;

/// <summary>docs/api.md#endpoints: the user resource. Thin: read the request, send one request through MediatR, write the user.</summary>
public static class UserEndpoints
{
    public const string AcceptPatchHeader = "Accept-Patch";

    public static IEndpointRouteBuilder MapUserEndpoints(this IEndpointRouteBuilder app)
    {
        // Routing matches these with and without the trailing slash; the literal "me" wins over {id}.
        var users = app.MapGroup("/api/v2/user").WithTags("User");
        users.MapGet("/me/", GetMe).AllowHead()
            .WithSummary("Read the user the token belongs to")
            .DescribesUser(401, 429).Produces(StatusCodes.Status304NotModified);
        users.MapMethods("/me/", [HttpMethods.Options], (HttpContext context) => Options(context, "GET, HEAD, OPTIONS"))
            .ExcludeFromDescription();
        users.MapGet("/{id}/", GetById).AllowHead()
            .WithSummary("Read one user").WithDescription("Public. `If-None-Match` with the current ETag gives 304.")
            .DescribesUser(401, 404, 429).Produces(StatusCodes.Status304NotModified);
        users.MapPatch("/{id}/", (string id, IMediator mediator, ICurrentUser caller, HttpContext context) =>
                Change(id, isFullUpdate: false, mediator, caller, context))
            .WithSummary("Patch your own profile")
            .WithDescription("A user can only update their personal data. `If-Match` with the ETag read makes the change conditional (412 when stale).")
            .AddEndpointFilter<IdempotencyFilter>()
            .DescribesUser(400, 401, 403, 404, 409, 412, 413, 415, 422, 429);
        users.MapPut("/{id}/", (string id, IMediator mediator, ICurrentUser caller, HttpContext context) =>
                Change(id, isFullUpdate: true, mediator, caller, context))
            .WithSummary("Update your own profile (username required)")
            .AddEndpointFilter<IdempotencyFilter>()
            .DescribesUser(400, 401, 403, 404, 409, 412, 413, 415, 422, 429);
        users.MapMethods("/{id}/", [HttpMethods.Options], (HttpContext context) => Options(context, "GET, HEAD, PATCH, PUT, OPTIONS"))
            .WithSummary("Allowed methods and patch formats (Allow, Accept-Patch)").Produces(StatusCodes.Status204NoContent);
        return app;
    }

    // docs/api.md#caching: a public user may be stored and revalidated with its ETag; the caller's own profile and
    // the answer to a write are for that caller alone and not stored.
    private const string Revalidate = "no-cache";
    private const string DoNotStore = "no-store";

    private static async Task<IResult> GetMe(IMediator mediator, HttpContext context) =>
        Read(context, await mediator.Send(new GetCurrentUserQuery(), context.RequestAborted).ConfigureAwait(false), DoNotStore);

    private static async Task<IResult> GetById(string id, IMediator mediator, HttpContext context) =>
        Read(context, await mediator.Send(new GetUserQuery(ParseId(id)), context.RequestAborted).ConfigureAwait(false), Revalidate);

    private static async Task<IResult> Change(string id, bool isFullUpdate, IMediator mediator, ICurrentUser currentUser,
        HttpContext context)
    {
        var userId = ParseId(id);
        // Don't read the body of a request that will be refused anyway (DRF checks credentials first).
        currentUser.Caller.EnsureAuthenticated();

        using var slot = await context.RequestServices.GetRequiredService<LargeBodySlots>()
            .EnterIfLargeAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        var command = await PatchBodyReader.ReadAsync(context.Request, userId, isFullUpdate,
            ExpectedVersions(context.Request, userId), context.RequestAborted).ConfigureAwait(false);
        var user = await mediator.Send(command, context.RequestAborted).ConfigureAwait(false);
        context.Response.Headers[HeaderNames.ETag] = EntityTag(user);
        context.Response.Headers.CacheControl = DoNotStore;
        return Results.Json(user, WireJson.Options);
    }

    private static IResult Options(HttpContext context, string allow)
    {
        context.Response.Headers.Allow = allow;
        context.Response.Headers[AcceptPatchHeader] = PatchBodyReader.AcceptPatch;
        return Results.NoContent();
    }

    /// <summary>docs/api.md#endpoints: a positive 64-bit integer; anything else names no user.</summary>
    private static long ParseId(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new NotFoundException("user", id);

    /// <summary>A read: the user with its entity tag, or 304 when the client already has this version.</summary>
    private static IResult Read(HttpContext context, UserDto user, string cacheControl)
    {
        var tag = EntityTag(user);
        context.Response.Headers[HeaderNames.ETag] = tag;
        context.Response.Headers.CacheControl = cacheControl;
        context.Response.Headers[AcceptPatchHeader] = PatchBodyReader.AcceptPatch;
        var ifNoneMatch = context.Request.GetTypedHeaders().IfNoneMatch;
        return ifNoneMatch.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(new EntityTagHeaderValue(tag), useStrongComparison: false))
            ? Results.StatusCode(StatusCodes.Status304NotModified)
            : Results.Json(user, WireJson.Options);
    }

    /// <summary>A strong entity tag made from the user's id and concurrency token (docs/api.md#response).</summary>
    public static string EntityTag(UserDto user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return string.Create(CultureInfo.InvariantCulture, $"\"{user.Id}-{user.Version}\"");
    }

    /// <summary>
    /// The versions an <c>If-Match</c> header allows. <c>null</c>: no header, or <c>*</c> (any version). A tag that
    /// is weak, malformed or for another user matches nothing (RFC 9110 compares strongly), so the result may
    /// be empty — and the change is then refused with 412.
    /// </summary>
    private static List<long>? ExpectedVersions(HttpRequest request, long userId)
    {
        var ifMatch = request.GetTypedHeaders().IfMatch;
        if (ifMatch.Count == 0 && request.Headers.IfMatch.Count == 0)
        {
            return null;
        }

        if (ifMatch.Any(t => t.Equals(EntityTagHeaderValue.Any)))
        {
            return null;
        }

        var prefix = string.Create(CultureInfo.InvariantCulture, $"{userId}-");
        return ifMatch
            .Where(t => !t.IsWeak)
            .Select(t => t.Tag.Value?.Trim('"'))
            .Where(t => t is not null && t.StartsWith(prefix, StringComparison.Ordinal))
            .Select(t => long.TryParse(t![prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1)
            .Where(v => v >= 0)
            .ToList();
    }
}
