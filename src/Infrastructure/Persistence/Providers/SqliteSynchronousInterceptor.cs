using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace CleanUser.Infrastructure.Persistence.Providers;

/// <summary>
/// Sets <c>PRAGMA synchronous=NORMAL</c> on every physical SQLite connection: a commit writes the log without syncing
/// it, and <see cref="WalSync"/> syncs it once for every commit that waits (docs/adr/0027-group-sync.md). Set explicitly,
/// so the service's durability does not depend on how a SQLite build is compiled (docs/adr/0007-sqlite-synchronous.md).
/// The setting belongs to the connection and stays with it in the pool, so it runs once per physical connection, not on
/// every open.
/// </summary>
internal sealed class SqliteSynchronousInterceptor : DbConnectionInterceptor
{
    public const string Pragma = "PRAGMA synchronous=NORMAL;";

    private static readonly object Applied = new();

    private readonly ConditionalWeakTable<sqlite3, object> _connections = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        // SQLite runs the statement synchronously either way; it touches no lock and no disk.
        Apply(connection);
        return Task.CompletedTask;
    }

    private void Apply(DbConnection connection)
    {
        if (connection is not SqliteConnection { Handle: { } handle } sqlite || _connections.TryGetValue(handle, out _))
        {
            return;
        }

        using var command = sqlite.CreateCommand();
        command.CommandText = Pragma;
        command.ExecuteNonQuery();
        _connections.AddOrUpdate(handle, Applied);
    }
}
