using CleanUser.Domain.Common;

namespace CleanUser.Domain.Users;

/// <summary>docs/api.md#fields: <c>Male</c>, <c>Female</c>, <c>Unspecified</c> (the default).</summary>
public enum Gender
{
    Unspecified = 0,
    Male = 1,
    Female = 2,
}

public static class GenderChoice
{
    public static bool TryParse(string raw, out Gender gender, out RuleViolation? violation)
    {
        var text = raw.Trim();
        // Enum.TryParse would also take numbers and comma lists; only the three names are choices.
        foreach (var choice in Enum.GetValues<Gender>())
        {
            if (string.Equals(choice.ToString(), text, StringComparison.OrdinalIgnoreCase))
            {
                gender = choice;
                violation = null;
                return true;
            }
        }

        gender = Gender.Unspecified;
        violation = new RuleViolation(RuleCodes.InvalidChoice, $"\"{text}\" is not a valid choice.");
        return false;
    }

    public static Gender Parse(string raw) =>
        TryParse(raw, out var gender, out var violation) ? gender : throw new InvalidValueException(UserFields.Gender, violation!);
}
