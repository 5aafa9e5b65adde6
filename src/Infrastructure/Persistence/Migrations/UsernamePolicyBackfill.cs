using CleanUser.Domain.Users;

namespace CleanUser.Infrastructure.Persistence.Migrations;

/// <summary>
/// The data steps of the <c>UsernamePolicy</c> migrations (SQLite and PostgreSQL alike; docs/adr/0017-username-policy.md):
/// every user's skeleton, computed in SQL from the same replacement lists as <see cref="Username.SkeletonOf"/>, and the
/// users whose names already looked like an earlier user's marked as allowed to — kept, never renamed or deleted.
/// </summary>
public static class UsernamePolicyBackfill
{
    /// <summary><see cref="Username.SkeletonOf"/> of <c>"Username"</c>, as nested <c>REPLACE</c> and <c>LOWER</c> calls.</summary>
    public static string SkeletonExpression { get; } =
        Username.LookAlikesAfterCaseFolding.Aggregate(
            $"LOWER({Username.LookAlikesBeforeCaseFolding.Aggregate("\"Username\"", Replace)})", Replace);

    public static string FillSkeletons { get; } = $"UPDATE \"Users\" SET \"UsernameSkeleton\" = {SkeletonExpression};";

    /// <summary>The first user (lowest id) of a look keeps it as their own; every later one may share it.</summary>
    public const string KeepLookAlikes =
        "UPDATE \"Users\" SET \"UsernameMayLookAlike\" = TRUE WHERE EXISTS (SELECT 1 FROM \"Users\" AS \"Earlier\" " +
        "WHERE \"Earlier\".\"UsernameSkeleton\" = \"Users\".\"UsernameSkeleton\" AND \"Earlier\".\"Id\" < \"Users\".\"Id\");";

    private static string Replace(string expression, (string From, string To) pair) => $"REPLACE({expression}, '{pair.From}', '{pair.To}')";
}
