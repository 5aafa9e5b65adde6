using System.Diagnostics.CodeAnalysis;

namespace CleanUser.Domain.Common;

/// <summary>
/// The rules every free-text field shares (docs/api.md#request-bodies): trimmed, lengths in Unicode code points,
/// U+0000 refused everywhere, other control characters refused in single-line fields.
/// </summary>
public sealed class TextRule(string field, int maxLength, bool multiline)
{
    public string Field { get; } = field;

    public int MaxLength { get; } = maxLength;

    public bool Multiline { get; } = multiline;

    /// <summary>Trims <paramref name="raw"/> and checks it; <c>null</c> becomes the empty default.</summary>
    public bool TryCreate(string? raw, [NotNullWhen(true)] out ProfileText? text, [NotNullWhen(false)] out RuleViolation? violation)
    {
        var value = (raw ?? string.Empty).Trim();
        violation = Check(value);
        text = violation is null ? new ProfileText(value, Field) : null;
        return text is not null;
    }

    public ProfileText Create(string? raw) =>
        TryCreate(raw, out var text, out var violation) ? text : throw new InvalidValueException(Field, violation);

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

        return CodePoints(value) > MaxLength ? RuleViolation.TooLong(MaxLength) : null;
    }

    public static int CodePoints(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var count = 0;
        foreach (var _ in value.EnumerateRunes())
        {
            count++;
        }

        return count;
    }
}

/// <summary>
/// Text that passed the rule of the field it was made for. Only the rules make one, so a profile given a
/// <see cref="ProfileText"/> knows it is valid without checking again.
/// </summary>
public sealed record ProfileText
{
    internal ProfileText(string value, string field)
    {
        Value = value;
        Field = field;
    }

    public string Value { get; }

    /// <summary>The field whose rule made this text.</summary>
    public string Field { get; }

    public override string ToString() => Value;
}
