using CleanUser.Application.Audit;

namespace CleanUser.WebApi.Audit;

/// <summary>
/// Marks the changes of an API request as made over HTTP, for their audit entries (docs/security.md#audit-trail): the
/// request id is the one the request's log lines carry (<see cref="HttpContext.TraceIdentifier"/>); the client address
/// is the connection's, or <c>X-Forwarded-For</c>'s where operations.md#several-instances turns that on.
/// </summary>
public static class ChangeOriginMiddleware
{
    public static IApplicationBuilder UseChangeOrigin(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            var address = context.Connection.RemoteIpAddress;
            context.RequestServices.GetRequiredService<ChangeOrigin>().FromHttp(
                context.TraceIdentifier,
                (address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address)?.ToString(),
                context.Request.Headers.UserAgent.ToString());
            return next(context);
        });
}
