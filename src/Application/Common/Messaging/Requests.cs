using MediatR;

namespace CleanUser.Application.Common.Messaging;

/// <summary>A request that changes state; the transaction behavior wraps it in one database transaction.</summary>
public interface ICommand<out TResponse> : IRequest<TResponse>;

/// <summary>A request only a signed-in caller (or the system) may send.</summary>
public interface IRequireAuthentication;

/// <summary>A request that acts on one user's data: only that user (or the system) may send it (docs/api.md#authorization).</summary>
public interface IRequireOwnership : IRequireAuthentication
{
    long OwnerId { get; }
}

/// <summary>
/// A command that may carry the versions the client read (<c>If-Match</c>). With them, a change made in between
/// is refused (412); without them, a concurrent change is resolved by running the command again.
/// </summary>
public interface IConditionalCommand
{
    IReadOnlyCollection<long>? ExpectedVersions { get; }
}
