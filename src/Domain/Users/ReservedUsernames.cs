namespace CleanUser.Domain.Users;

/// <summary>Names nobody may take (SPEC §5), compared case-insensitively. The list is configuration.</summary>
public sealed class ReservedUsernames
{
    public static readonly IReadOnlyList<string> Defaults = ["me", "admin", "root", "system", "support", "staff", "moderator"];

    private readonly HashSet<string> _names;

    public ReservedUsernames(IEnumerable<string> names) =>
        _names = new HashSet<string>(names.Select(n => n.Trim()).Where(n => n.Length > 0), StringComparer.OrdinalIgnoreCase);

    public static ReservedUsernames Default { get; } = new(Defaults);

    public bool Contains(string username) => _names.Contains(username);
}
