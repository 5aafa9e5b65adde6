using CleanUser.Infrastructure.Persistence.Providers;
using Microsoft.Extensions.Configuration;

namespace CleanUser.Infrastructure.Persistence;

/// <summary>The values of <c>Database:Provider</c> (README, Configuration).</summary>
public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// <c>Database:Provider</c> and <c>ConnectionStrings:Default</c>: which database, and so which
/// <see cref="IDatabaseProvider"/>. A mistake in either is a start-up error naming the key (see <see cref="Validate"/>),
/// never a failure on the first request. This is the only place that chooses between the databases.
/// </summary>
public static class DatabaseConfiguration
{
    public const string ProviderKey = "Database:Provider";

    public const string ConnectionStringName = "Default";

    public static DatabaseProvider ProviderOf(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration[ProviderKey];
        if (string.IsNullOrWhiteSpace(configured) || configured.Equals(nameof(DatabaseProvider.Sqlite), StringComparison.OrdinalIgnoreCase))
        {
            return DatabaseProvider.Sqlite;
        }

        if (configured.Equals(nameof(DatabaseProvider.Postgres), StringComparison.OrdinalIgnoreCase))
        {
            return DatabaseProvider.Postgres;
        }

        throw new InvalidOperationException(
            $"{ProviderKey} '{configured}' is not supported; use 'Sqlite' or 'Postgres' (see README, Configuration).");
    }

    /// <summary>Throws <see cref="InvalidOperationException"/> with a message naming the key when the settings cannot work.</summary>
    public static void Validate(IConfiguration configuration, string contentRoot)
    {
        if (CreateProvider(configuration, contentRoot) is IDisposable provider)
        {
            provider.Dispose();
        }
    }

    /// <summary>The strategy for the configured database; relative SQLite files are under <paramref name="contentRoot"/>.</summary>
    public static IDatabaseProvider CreateProvider(IConfiguration configuration, string contentRoot) =>
        ProviderOf(configuration) == DatabaseProvider.Postgres
            ? PostgresProvider.FromConfiguration(configuration)
            : SqliteProvider.FromConfiguration(configuration, contentRoot);
}
