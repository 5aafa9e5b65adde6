using CleanUser.Application.Common.Exceptions;

namespace CleanUser.Application.Common.Security;

/// <summary>Who is asking: nobody, a signed-in user, or code inside the process acting as the system.</summary>
public sealed record Caller
{
    private Caller(CallerKind kind, long? userId)
    {
        Kind = kind;
        UserId = userId;
    }

    public static Caller Anonymous { get; } = new(CallerKind.Anonymous, null);

    /// <summary>The explicit principal for internal modules and operator tools (docs/api.md#authorization).</summary>
    public static Caller System { get; } = new(CallerKind.System, null);

    public CallerKind Kind { get; }

    public long? UserId { get; }

    public static Caller ForUser(long userId) => new(CallerKind.User, userId);

    /// <summary>Refuses an anonymous caller (401): requests that need a caller, and the endpoints that would read their body first.</summary>
    public void EnsureAuthenticated()
    {
        if (Kind == CallerKind.Anonymous)
        {
            throw new NotAuthenticatedException();
        }
    }

    public override string ToString() => Kind == CallerKind.User ? $"user {UserId}" : Kind.ToString().ToLowerInvariant();
}

public enum CallerKind
{
    Anonymous,
    User,
    System,
}
