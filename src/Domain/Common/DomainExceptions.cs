namespace CleanUser.Domain.Common;

/// <summary>A value handed to the domain breaks one of its rules.</summary>
public class InvalidValueException(string field, RuleViolation violation)
    : Exception($"{field}: {violation.Message}")
{
    public string Field { get; } = field;

    public RuleViolation Violation { get; } = violation;
}

/// <summary>The account cannot be changed at all (blocked or deleted).</summary>
public sealed class AccountNotEditableException(RuleViolation violation) : Exception(violation.Message)
{
    public RuleViolation Violation { get; } = violation;
}
