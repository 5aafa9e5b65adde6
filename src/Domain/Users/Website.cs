using System.Diagnostics.CodeAnalysis;
using CleanUser.Domain.Common;

namespace CleanUser.Domain.Users;

/// <summary>An absolute http/https URL with a host, at most 200 characters; empty clears it (docs/api.md#fields).</summary>
public static class Website
{
    public const int MaxLength = 200;

    public static bool TryCreate(string? raw, [NotNullWhen(true)] out ProfileText? website,
        [NotNullWhen(false)] out RuleViolation? violation)
    {
        var value = (raw ?? string.Empty).Trim();
        website = null;
        violation = null;
        if (TextRule.CodePoints(value) > MaxLength)
        {
            violation = RuleViolation.TooLong(MaxLength);
        }
        else if (value.Length > 0 &&
                 (value.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))
                  || !Uri.TryCreate(value, UriKind.Absolute, out var uri)
                  || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                  || string.IsNullOrEmpty(uri.Host)))
        {
            violation = RuleViolation.Invalid("Enter a valid URL.");
        }
        else
        {
            website = new ProfileText(value, UserFields.Website);
        }

        return website is not null;
    }

    public static ProfileText Create(string? raw) =>
        TryCreate(raw, out var website, out var violation) ? website : throw new InvalidValueException(UserFields.Website, violation);
}
