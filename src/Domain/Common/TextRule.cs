namespace CleanUser.Domain.Common;

/// <summary>
/// The rules every free-text field shares (SPEC §4): trimmed, lengths in Unicode code points,
/// U+0000 refused everywhere, other control characters refused in single-line fields.
/// </summary>
public sealed class TextRule(int maxLength, bool multiline)
{
    public int MaxLength { get; } = maxLength;

    public bool Multiline { get; } = multiline;

    /// <summary>Trims <paramref name="raw"/> and checks it; <c>null</c> becomes the empty default.</summary>
    public bool TryNormalize(string? raw, out string value, out RuleViolation? violation)
    {
        value = (raw ?? string.Empty).Trim();
        violation = Check(value);
        return violation is null;
    }

    public string Normalize(string? raw, string field) =>
        TryNormalize(raw, out var value, out var violation) ? value : throw new InvalidValueException(field, violation!);

    private RuleViolation? Check(string value)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            return new RuleViolation(RuleCodes.NullCharactersNotAllowed, "Null characters are not allowed.");
        }

        if (!Multiline && value.Any(char.IsControl))
        {
            return RuleViolation.Invalid("Control characters are not allowed in this field.");
        }

        return CodePoints(value) > MaxLength
            ? new RuleViolation(RuleCodes.MaxLength, $"Ensure this field has no more than {MaxLength} characters.")
            : null;
    }

    public static int CodePoints(string value)
    {
        var count = 0;
        foreach (var _ in value.EnumerateRunes())
        {
            count++;
        }

        return count;
    }
}
