using CleanUser.Application.Common.Security;

namespace CleanUser.Application.Audit;

/// <summary>
/// Who makes the changes of the current scope, and from where (docs/security.md#audit-trail): the actor is the scope's
/// caller; the channel is <c>http</c> when the HTTP pipeline says so (with the request's id, client address and user
/// agent), <c>cli</c> when an operator verb does, and otherwise <c>module</c> — any code in the process that sends a
/// command itself. The audit entry of each change is made from it (docs/adr/0019-audit-trail.md).
/// </summary>
public sealed class ChangeOrigin(ICurrentUser currentUser)
{
    public const string Http = "http";
    public const string Cli = "cli";
    public const string Module = "module";

    /// <summary>The longest request id, client address and user agent kept; longer ones are cut (a header is the client's to fill).</summary>
    public const int MaxRequestIdLength = 128;

    public const int MaxClientIpLength = 64;

    public const int MaxUserAgentLength = 512;

    public string Channel { get; private set; } = Module;

    public string? RequestId { get; private set; }

    public string? ClientIp { get; private set; }

    public string? UserAgent { get; private set; }

    /// <summary><c>user:&lt;id&gt;</c> for a signed-in user; <c>system</c> for the system principal, or code that named no caller.</summary>
    public string Actor => currentUser.Caller is { Kind: CallerKind.User, UserId: { } id } ? $"user:{id}" : "system";

    public void FromHttp(string requestId, string? clientIp, string? userAgent)
    {
        Channel = Http;
        RequestId = Clip(requestId, MaxRequestIdLength);
        ClientIp = Clip(clientIp, MaxClientIpLength);
        UserAgent = Clip(userAgent, MaxUserAgentLength);
    }

    public void FromCli() => Channel = Cli;

    /// <summary>At most <paramref name="maxLength"/> UTF-16 units, never half a character (PostgreSQL refuses a lone surrogate).</summary>
    private static string? Clip(string? value, int maxLength) =>
        string.IsNullOrEmpty(value) ? null
        : value.Length <= maxLength ? value
        : value[..(char.IsHighSurrogate(value[maxLength - 1]) ? maxLength - 1 : maxLength)];
}
