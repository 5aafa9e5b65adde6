using System.Diagnostics.CodeAnalysis;
using CleanUser.Domain.Common;

namespace CleanUser.Domain.Users;

/// <summary>
/// A username (docs/api.md#fields): 1–255 characters of <c>A-Z a-z 0-9 _ -</c>; the operator may reserve some
/// (<see cref="ReservedUsernames"/>).
/// Two usernames are the same when they differ only in case; <see cref="Normalized"/> is that form,
/// and the database keeps it unique. Two usernames look alike when their <see cref="Skeleton"/>s are equal
/// (docs/adr/0017-username-policy.md).
/// </summary>
public sealed class Username : IEquatable<Username>
{
    public const int MaxLength = 255;

    private Username(string value)
    {
        Value = value;
        Normalized = Normalize(value);
        Skeleton = SkeletonOf(value);
    }

    public string Value { get; }

    public string Normalized { get; }

    /// <summary>The name as it looks, whatever the characters that are easy to mistake for others: <see cref="SkeletonOf"/>.</summary>
    public string Skeleton { get; }

    /// <summary>
    /// Replaced before case-folding, because the case matters: a capital <c>I</c> looks like <c>l</c>, a small
    /// <c>i</c> does not. Applied in this order (single characters, so the order among them changes nothing).
    /// </summary>
    public static IReadOnlyList<(string From, string To)> LookAlikesBeforeCaseFolding { get; } = [("I", "l"), ("1", "l"), ("0", "o")];

    /// <summary>
    /// Replaced after case-folding, so <c>RN</c> looks like <c>M</c> as <c>rn</c> looks like <c>m</c> — names are
    /// compared regardless of case. Applied in this order (they share no letter, so the order changes nothing).
    /// </summary>
    public static IReadOnlyList<(string From, string To)> LookAlikesAfterCaseFolding { get; } = [("rn", "m"), ("vv", "w")];

    public static string Normalize(string value) => value.ToLowerInvariant();

    /// <summary>
    /// The confusable skeleton: <see cref="LookAlikesBeforeCaseFolding"/>, then case-folding (<see cref="Normalize"/>),
    /// then <see cref="LookAlikesAfterCaseFolding"/>; <c>_</c> and <c>-</c> are kept. <c>a1ice</c>, <c>aIice</c> and
    /// <c>alice</c> all become <c>alice</c>; <c>aiice</c> stays <c>aiice</c>. Each replacement goes left to right over
    /// occurrences that do not overlap, as SQL's <c>REPLACE</c> does: the migration computes stored skeletons with it.
    /// </summary>
    public static string SkeletonOf(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var skeleton = LookAlikesBeforeCaseFolding.Aggregate(value, (text, pair) => text.Replace(pair.From, pair.To, StringComparison.Ordinal));
        return LookAlikesAfterCaseFolding.Aggregate(Normalize(skeleton), (text, pair) => text.Replace(pair.From, pair.To, StringComparison.Ordinal));
    }

    /// <summary>The format rules; whether the name is reserved is <see cref="ReservedUsernames"/>' business.</summary>
    public static bool TryCreate(string? raw, [NotNullWhen(true)] out Username? username, [NotNullWhen(false)] out RuleViolation? violation)
    {
        var value = raw?.Trim();
        violation = Check(value);
        username = violation is null ? new Username(value!) : null;
        return username is not null;
    }

    public static Username Create(string? raw) =>
        TryCreate(raw, out var username, out var violation) ? username : throw new InvalidValueException(UserFields.Username, violation);

    /// <summary>Rebuilds a username that was valid when stored; reserved names may have changed since.</summary>
    public static Username FromStored(string value) => new(value);

    private static RuleViolation? Check(string? value)
    {
        if (value is null)
        {
            return new RuleViolation(RuleCodes.Null, "This field may not be null.");
        }

        if (value.Length == 0)
        {
            return new RuleViolation(RuleCodes.Blank, "This field may not be blank.");
        }

        if (value.Contains('\0', StringComparison.Ordinal))
        {
            return new RuleViolation(RuleCodes.NullCharactersNotAllowed, "Null characters are not allowed.");
        }

        if (!value.All(IsAllowed))
        {
            return RuleViolation.Invalid(
                "Enter a valid username. This value may contain only letters, numbers, and _ or - characters.");
        }

        return value.Length > MaxLength ? RuleViolation.TooLong(MaxLength) : null;
    }

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';

    public bool Equals(Username? other) => other is not null && Normalized == other.Normalized;

    public override bool Equals(object? obj) => Equals(obj as Username);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Normalized);

    public override string ToString() => Value;
}
