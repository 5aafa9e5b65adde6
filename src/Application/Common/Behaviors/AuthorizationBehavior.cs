using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Messaging;
using CleanUser.Application.Common.Security;
using MediatR;

namespace CleanUser.Application.Common.Behaviors;

/// <summary>
/// SPEC §3: requests that need a caller refuse anonymous ones (401); requests on one user's data are
/// for that user alone (403), except for the explicit system principal.
/// </summary>
public sealed class AuthorizationBehavior<TRequest, TResponse>(ICurrentUser currentUser)
    : IPipelineBehavior<TRequest, TResponse>
{
    public Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken,
        RequestHandlerDelegate<TResponse> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (request is IRequireAuthentication)
        {
            var caller = currentUser.Caller;
            if (caller.Kind == CallerKind.Anonymous)
            {
                throw new NotAuthenticatedException();
            }

            if (request is IRequireOwnership owned && caller.Kind == CallerKind.User && caller.UserId != owned.OwnerId)
            {
                throw new ForbiddenException("A user can only update their personal data.");
            }
        }

        return next();
    }
}
