using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Domain.Users;

namespace CleanUser.Tests.Support;

public static class ProfileEdits
{
    /// <summary>
    /// Sets fields of a test user by wire name, read through the field table as a request's would be
    /// (<c>user.Edit(("bio", "Counts."), ("gender", "Female"))</c>). Test data must be valid: a broken rule throws.
    /// </summary>
    public static void Edit(this User user, params (string Field, string? Value)[] values)
    {
        ArgumentNullException.ThrowIfNull(user);
        var patch = ProfilePatch.Of(values);
        if (patch.Violations.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", patch.Violations.Select(v => $"{v.Field}: {v.Violation.Message}")), nameof(values));
        }

        if (patch.Username.HasValue)
        {
            user.ChangeUsername(patch.Username.Value, DateTimeOffset.UtcNow, UsernamePolicy.Default);
        }

        user.UpdateProfile(patch.Changes, DateTimeOffset.UtcNow);
    }
}
