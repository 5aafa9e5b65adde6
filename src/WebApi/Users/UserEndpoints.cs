using System.Globalization;
using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Security;
using CleanUser.Application.Users;
using CleanUser.Application.Users.Queries.GetCurrentUser;
using CleanUser.Application.Users.Queries.GetUser;
using CleanUser.WebApi.Infrastructure;
using MediatR;
using Microsoft.Net.Http.Headers;

namespace CleanUser.WebApi.Users;

/// <summary>SPEC §1: the user resource. Thin: read the request, send one request through MediatR, write the user.</summary>
public static class UserEndpoints
{
    public static IEndpointRouteBuilder MapUserEndpoints(this IEndpointRouteBuilder app)
    {
        // Routing matches these with and without the trailing slash; the literal "me" wins over {id}.
        var users = app.MapGroup("/api/v2/user");
        users.MapGet("/me/", GetMe);
        users.MapGet("/{id}/", GetById);
        users.MapPatch("/{id}/", Patch);
        return app;
    }

    private static async Task<IResult> GetMe(IMediator mediator, HttpContext context) =>
        UserResult(context, await mediator.Send(new GetCurrentUserQuery(), context.RequestAborted).ConfigureAwait(false));

    private static async Task<IResult> GetById(string id, IMediator mediator, HttpContext context) =>
        UserResult(context, await mediator.Send(new GetUserQuery(ParseId(id)), context.RequestAborted).ConfigureAwait(false));

    private static async Task<IResult> Patch(string id, IMediator mediator, ICurrentUser currentUser, HttpContext context)
    {
        var userId = ParseId(id);
        // Don't read the body of a request that will be refused anyway (DRF checks credentials first).
        if (currentUser.Caller.Kind == CallerKind.Anonymous)
        {
            throw new NotAuthenticatedException();
        }

        var command = await PatchBodyReader.ReadAsync(context.Request, userId, context.RequestAborted).ConfigureAwait(false);
        return UserResult(context, await mediator.Send(command, context.RequestAborted).ConfigureAwait(false));
    }

    /// <summary>SPEC §1: a positive 64-bit integer; anything else names no user.</summary>
    private static long ParseId(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new NotFoundException("user", id);

    private static IResult UserResult(HttpContext context, UserDto user)
    {
        context.Response.Headers[HeaderNames.ETag] = EntityTag(user);
        return Results.Json(user, WireJson.Options);
    }

    /// <summary>A strong entity tag made from the user's id and concurrency token (SPEC §6).</summary>
    public static string EntityTag(UserDto user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return string.Create(CultureInfo.InvariantCulture, $"\"{user.Id}-{user.Version}\"");
    }
}
