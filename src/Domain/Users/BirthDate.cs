using System.Globalization;
using CleanUser.Domain.Common;

namespace CleanUser.Domain.Users;

/// <summary>SPEC §5: <c>YYYY-MM-DD</c>, a real date, not in the future, year 1900 or later.</summary>
public static class BirthDate
{
    public const string Format = "yyyy-MM-dd";

    public static bool TryParse(string raw, DateOnly today, out DateOnly date, out RuleViolation? violation)
    {
        violation = null;
        if (!DateOnly.TryParseExact(raw.Trim(), Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            violation = RuleViolation.Invalid("Date has wrong format. Use one of these formats instead: YYYY-MM-DD.");
        }
        else if (date.Year < 1900)
        {
            violation = RuleViolation.Invalid("Date of birth must be in 1900 or later.");
        }
        else if (date > today)
        {
            violation = RuleViolation.Invalid("Date of birth cannot be in the future.");
        }

        return violation is null;
    }

    public static DateOnly Parse(string raw, DateOnly today) =>
        TryParse(raw, today, out var date, out var violation) ? date : throw new InvalidValueException(UserFields.DateOfBirth, violation!);
}
