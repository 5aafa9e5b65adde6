using CleanUser.Domain.Common;

namespace CleanUser.Domain.Users;

/// <summary>
/// A username (SPEC §5): 1–255 characters of <c>A-Z a-z 0-9 _ -</c>, not a reserved name.
/// Two usernames are the same when they differ only in case; <see cref="Normalized"/> is that form,
/// and the database keeps it unique.
/// </summary>
public sealed class Username : IEquatable<Username>
{
    public const int MaxLength = 255;

    private Username(string value)
    {
        Value = value;
        Normalized = Normalize(value);
    }

    public string Value { get; }

    public string Normalized { get; }

    public static string Normalize(string value) => value.ToLowerInvariant();

    public static bool TryCreate(string? raw, ReservedUsernames reserved, out Username? username, out RuleViolation? violation)
    {
        username = null;
        violation = Check(raw?.Trim(), reserved);
        if (violation is null)
        {
            username = new Username(raw!.Trim());
        }

        return violation is null;
    }

    /// <summary>
    /// Like <see cref="TryCreate(string?, ReservedUsernames, out Username?, out RuleViolation?)"/>, but a name that
    /// <paramref name="current"/> already is (in any case) is never refused as reserved: the list may have grown
    /// since the user took it, and clients send their whole profile back.
    /// </summary>
    public static bool TryCreate(string? raw, ReservedUsernames reserved, Username? current, out Username? username,
        out RuleViolation? violation)
    {
        if (TryCreate(raw, reserved, out username, out violation))
        {
            return true;
        }

        if (violation!.Code == RuleCodes.Reserved && current is not null && Normalize(raw!.Trim()) == current.Normalized)
        {
            username = new Username(raw.Trim());
            violation = null;
            return true;
        }

        return false;
    }

    public static Username Create(string? raw, ReservedUsernames reserved, Username? current = null) =>
        TryCreate(raw, reserved, current, out var username, out var violation)
            ? username!
            : throw new InvalidValueException(UserFields.Username, violation!);

    /// <summary>Rebuilds a username that was valid when stored; reserved names may have changed since.</summary>
    public static Username FromStored(string value) => new(value);

    private static RuleViolation? Check(string? value, ReservedUsernames reserved)
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

        if (value.Length > MaxLength)
        {
            return new RuleViolation(RuleCodes.MaxLength, $"Ensure this field has no more than {MaxLength} characters.");
        }

        return reserved.Contains(value)
            ? new RuleViolation(RuleCodes.Reserved, "This username is reserved.")
            : null;
    }

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';

    public bool Equals(Username? other) => other is not null && Normalized == other.Normalized;

    public override bool Equals(object? obj) => Equals(obj as Username);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Normalized);

    public override string ToString() => Value;
}
