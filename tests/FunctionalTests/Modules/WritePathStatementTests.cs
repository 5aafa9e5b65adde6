using CleanUser.Tests.Support;
using System.Diagnostics;
using System.Text.Json;
using CleanUser.Application.Common.Security;
using CleanUser.Application.Users.Commands.JsonPatchUser;
using CleanUser.Application.Users.Commands.PatchUser;
using MediatR;
using Microsoft.AspNetCore.JsonPatch.SystemTextJson;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace CleanUser.FunctionalTests.Modules;

/// <summary>
/// One request, one load, one uniqueness query (docs/request-flow.md): the SQL statements a rename sends, counted
/// on the real database. A rule evaluated twice, or a second load of the user, shows up here as an extra statement.
/// </summary>
public sealed class WritePathStatementTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task A_patch_of_username_asks_once_whether_the_name_is_free_loads_the_user_once_and_writes_once()
    {
        var id = await app.CreateUserAsync();
        var wanted = UserBuilder.UniqueName("renamed");

        var statements = await RecordAsync(new PatchUserCommand(id, ProfilePatch.Of(("username", wanted), ("bio", "new"))));

        Assert.Equal(wanted, (await app.ReadUserAsync(id)).Username);
        AssertOneQueryOneLoadOneWrite(statements);
    }

    [Fact]
    public async Task A_json_patch_of_username_runs_the_same_single_validation_and_load()
    {
        var id = await app.CreateUserAsync();
        var wanted = UserBuilder.UniqueName("patched");
        var document = JsonSerializer.Deserialize<JsonPatchDocument>(
            $$"""[{"op":"replace","path":"/username","value":"{{wanted}}"},{"op":"replace","path":"/bio","value":"new"}]""")!;

        var statements = await RecordAsync(new JsonPatchUserCommand(id, document));

        Assert.Equal(wanted, (await app.ReadUserAsync(id)).Username);
        AssertOneQueryOneLoadOneWrite(statements);
    }

    private static void AssertOneQueryOneLoadOneWrite(List<string> statements)
    {
        var selects = statements.Where(s => s.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Single(selects, s => s.Contains("\"NormalizedUsername\" =", StringComparison.Ordinal));
        // The user with its tags; on PostgreSQL the row lock comes first ("SELECT 1 ... FOR UPDATE").
        Assert.Single(selects, s => s.Contains("\"Tags\"", StringComparison.Ordinal));
        Assert.Single(statements, s => s.TrimStart().StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase));
        Assert.All(selects, s => Assert.True(
            s.Contains("\"NormalizedUsername\" =", StringComparison.Ordinal) || s.Contains("\"Tags\"", StringComparison.Ordinal) ||
            s.Contains("FOR UPDATE", StringComparison.Ordinal), $"unexpected statement: {s}"));
    }

    /// <summary>The statements EF Core sends while <paramref name="command"/> runs in this flow (other tests' are not seen).</summary>
    private async Task<List<string>> RecordAsync<T>(IRequest<T> command)
    {
        var recorder = new StatementRecorder();
        using var subscription = DiagnosticListener.AllListeners.Subscribe(recorder);
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentCaller>().ActAs(Caller.System);
        StatementRecorder.Recording.Value = recorder;
        try
        {
            await scope.ServiceProvider.GetRequiredService<IMediator>().Send(command);
        }
        finally
        {
            StatementRecorder.Recording.Value = null;
        }

        return recorder.Statements;
    }

    private sealed class StatementRecorder : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
    {
        public static readonly AsyncLocal<StatementRecorder?> Recording = new();

        private readonly List<IDisposable> _listeners = [];

        public List<string> Statements { get; } = [];

        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == DbLoggerCategory.Name)
            {
                _listeners.Add(value.Subscribe(this));
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key == RelationalEventId.CommandExecuting.Name && value.Value is CommandEventData data && Recording.Value == this)
            {
                lock (Statements)
                {
                    Statements.Add(data.Command.CommandText);
                }
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }
    }
}
