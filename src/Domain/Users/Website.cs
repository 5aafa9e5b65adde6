using CleanUser.Domain.Common;

namespace CleanUser.Domain.Users;

/// <summary>SPEC §5: an absolute http/https URL with a host, at most 200 characters; empty clears it.</summary>
public static class Website
{
    public const int MaxLength = 200;

    public static bool TryNormalize(string? raw, out string value, out RuleViolation? violation)
    {
        value = (raw ?? string.Empty).Trim();
        violation = null;
        if (value.Length == 0)
        {
            return true;
        }

        if (TextRule.CodePoints(value) > MaxLength)
        {
            violation = new RuleViolation(RuleCodes.MaxLength, $"Ensure this field has no more than {MaxLength} characters.");
        }
        else if (value.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))
                 || !Uri.TryCreate(value, UriKind.Absolute, out var uri)
                 || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                 || string.IsNullOrEmpty(uri.Host))
        {
            violation = RuleViolation.Invalid("Enter a valid URL.");
        }

        return violation is null;
    }

    public static string Normalize(string? raw) =>
        TryNormalize(raw, out var value, out var violation) ? value : throw new InvalidValueException(UserFields.Website, violation!);
}
