namespace CleanUser.Domain.Common;

/// <summary>A broken rule, with the machine code clients switch on (docs/api.md#errors) and a human message.</summary>
public sealed record RuleViolation(string Code, string Message)
{
    public static RuleViolation Invalid(string message) => new(RuleCodes.Invalid, message);

    public static RuleViolation TooLong(int maxLength) =>
        new(RuleCodes.MaxLength, $"Ensure this field has no more than {maxLength} characters.");
}

/// <summary>The error codes (docs/api.md#errors) that the domain itself produces.</summary>
public static class RuleCodes
{
    public const string Required = "required";
    public const string Null = "null";
    public const string Blank = "blank";
    public const string Invalid = "invalid";
    public const string MaxLength = "max_length";
    public const string InvalidChoice = "invalid_choice";
    public const string Unique = "unique";
    public const string Reserved = "reserved";
    public const string UsernameChangeTooSoon = "username_change_too_soon";
    public const string NullCharactersNotAllowed = "null_characters_not_allowed";
    public const string AccountBlocked = "account_blocked";
    public const string AccountDeleted = "account_deleted";
}
