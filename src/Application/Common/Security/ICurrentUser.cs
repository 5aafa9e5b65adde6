namespace CleanUser.Application.Common.Security;

/// <summary>The caller of the request being handled.</summary>
public interface ICurrentUser
{
    Caller Caller { get; }
}

/// <summary>
/// The caller of the current scope, set once by whoever opens the scope: the HTTP pipeline after
/// authentication, or an internal module that acts as <see cref="Caller.System"/> on purpose.
/// </summary>
public sealed class CurrentCaller : ICurrentUser
{
    public Caller Caller { get; private set; } = Caller.Anonymous;

    public void ActAs(Caller caller) => Caller = caller;
}
