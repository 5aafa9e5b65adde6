namespace CleanUser.Tests.Support;

/// <summary>
/// A test about SQLite itself: it runs in the suite's SQLite pass and is skipped in its PostgreSQL pass
/// (<c>CLEANUSER_TEST_POSTGRES</c> set). There the app under test runs on PostgreSQL, and an app on SQLite beside it
/// would put both databases' models in one process, while EF Core's compiled queries serve one model only.
/// </summary>
public sealed class SqliteFactAttribute : FactAttribute
{
    public SqliteFactAttribute() => Skip = WhyNot;

    /// <summary>Why a test about SQLite does not run now; <c>null</c> when it does.</summary>
    public static string? WhyNot => TestDatabase.OnPostgres ? "About SQLite itself: runs when the suite runs on SQLite." : null;
}
