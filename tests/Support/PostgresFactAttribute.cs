namespace CleanUser.Tests.Support;

/// <summary>A test about PostgreSQL itself: it runs when <c>CLEANUSER_TEST_POSTGRES</c> is set (as in CI), else it is skipped.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (!TestDatabase.OnPostgres)
        {
            Skip = $"Runs on PostgreSQL only: set {TestDatabase.PostgresVariable} to a server connection string (see README, Tests on PostgreSQL).";
        }
    }
}
