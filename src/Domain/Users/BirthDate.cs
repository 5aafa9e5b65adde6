using System.Globalization;
using CleanUser.Domain.Common;

namespace CleanUser.Domain.Users;

/// <summary>A date of birth (docs/api.md#fields): <c>YYYY-MM-DD</c>, a real date, year 1900 or later, not in the future.</summary>
public static class BirthDate
{
    public const string Format = "yyyy-MM-dd";

    /// <summary>The format and the earliest year; whether the date is in the future depends on the day it is checked.</summary>
    public static bool TryParse(string raw, out DateOnly date, out RuleViolation? violation)
    {
        ArgumentNullException.ThrowIfNull(raw);
        violation = null;
        if (!DateOnly.TryParseExact(raw.Trim(), Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            violation = RuleViolation.Invalid("Date has wrong format. Use one of these formats instead: YYYY-MM-DD.");
        }
        else if (date.Year < 1900)
        {
            violation = RuleViolation.Invalid("Date of birth must be in 1900 or later.");
        }

        return violation is null;
    }

    public static RuleViolation? CheckNotInFuture(DateOnly date, DateOnly today) =>
        date > today ? RuleViolation.Invalid("Date of birth cannot be in the future.") : null;
}
