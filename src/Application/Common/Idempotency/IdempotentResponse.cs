namespace CleanUser.Application.Common.Idempotency;

/// <summary>
/// docs/api.md#idempotency: when an HTTP request has claimed an <c>Idempotency-Key</c>, its response is stored with its
/// change, in the command's transaction, so the two commit or roll back together. The HTTP layer, which knows the key and
/// the wire form of a response, says how (<see cref="StoreWith"/>); <see cref="IdempotencyBehavior{TRequest,TResponse}"/>
/// does it inside the transaction with the command's result. One per scope; code inside the process never sets it.
/// </summary>
public sealed class IdempotentResponse
{
    private Func<object?, CancellationToken, Task>? _store;
    private object? _command;

    /// <summary>The first command this scope sends stores its result with <paramref name="store"/>, before it commits.</summary>
    public void StoreWith(Func<object?, CancellationToken, Task> store) => _store = store;

    /// <summary>
    /// How to store <paramref name="command"/>'s result, when it is the command the request sent: the first one, and
    /// again on a retried attempt (the same object). A command its handler sends (JSON Patch sends a PATCH) is part of
    /// it and stores nothing itself.
    /// </summary>
    internal Func<object?, CancellationToken, Task>? For(object command)
    {
        if (_store is null)
        {
            return null;
        }

        _command ??= command;
        return ReferenceEquals(_command, command) ? _store : null;
    }
}
