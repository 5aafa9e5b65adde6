using CleanUser.Domain.Common;

namespace CleanUser.Domain.Users;

/// <summary>Another user already has this username, compared case-insensitively.</summary>
public sealed class UsernameAlreadyTakenException()
    : InvalidValueException(UserFields.Username, new RuleViolation(RuleCodes.Unique, "A user with that username already exists."));
