using CleanUser.Domain.Common;

namespace CleanUser.Domain.Users;

/// <summary>Names nobody may take (docs/api.md#fields), compared case-insensitively. The list is configuration.</summary>
public sealed class ReservedUsernames
{
    public static readonly IReadOnlyList<string> Defaults = ["me", "admin", "root", "system", "support", "staff", "moderator"];

    private readonly HashSet<string> _names;

    public ReservedUsernames(IEnumerable<string> names) =>
        _names = new HashSet<string>(names.Select(n => n.Trim()).Where(n => n.Length > 0), StringComparer.OrdinalIgnoreCase);

    public static ReservedUsernames Default { get; } = new(Defaults);

    public bool Contains(string username) => _names.Contains(username);

    /// <summary>
    /// Whether <paramref name="candidate"/> may be taken by a user now called <paramref name="current"/>: a reserved
    /// name is refused, unless the user already holds it (in any case) — the list may have grown since they took it,
    /// and clients send their whole profile back.
    /// </summary>
    public RuleViolation? Check(Username candidate, Username? current)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return Contains(candidate.Value) && !candidate.Equals(current)
            ? new RuleViolation(RuleCodes.Reserved, "This username is reserved.")
            : null;
    }
}
