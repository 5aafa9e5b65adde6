using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace CleanUser.Infrastructure.Persistence.Providers;

/// <summary>
/// EF Core's command builders for SQLite, building <see cref="KeptCommand"/>s (registered by <see cref="SqliteProvider"/>
/// with <c>ReplaceService</c>, docs/adr/0029-prepared-statements.md). EF Core builds every command it sends, queries
/// and saves alike, through this factory.
/// </summary>
public sealed class KeptCommandBuilderFactory(RelationalCommandBuilderDependencies dependencies) : RelationalCommandBuilderFactory(dependencies)
{
    public override IRelationalCommandBuilder Create() => new KeptCommandBuilder(Dependencies);

    private sealed class KeptCommandBuilder(RelationalCommandBuilderDependencies dependencies) : RelationalCommandBuilder(dependencies)
    {
        public override IRelationalCommand Build()
        {
            // EF Core's own text and parameters (the builder keeps its text to itself), in the command that keeps them prepared.
            var built = base.Build();
            return new KeptCommand(Dependencies, built.CommandText, built.LogCommandText, built.Parameters);
        }
    }
}

/// <summary>
/// An EF Core command that runs, on a <see cref="KeptSqliteConnection"/>, as the statement the connection keeps prepared
/// for its text (which also sees its failures, <see cref="KeptSqliteConnection.PreparedCommand"/>).
/// </summary>
internal sealed class KeptCommand(
    RelationalCommandBuilderDependencies dependencies,
    string commandText,
    string logCommandText,
    IReadOnlyList<IRelationalParameter> parameters)
    : RelationalCommand(dependencies, commandText, logCommandText, parameters)
{
    public override DbCommand CreateDbCommand(RelationalCommandParameterObject parameterObject, Guid commandId, DbCommandMethod commandMethod)
    {
        var command = base.CreateDbCommand(parameterObject, commandId, commandMethod);
        return parameterObject.Connection is KeptSqliteConnection kept ? kept.Prepared(command) : command;
    }
}
