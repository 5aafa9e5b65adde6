using System.CommandLine;

namespace CleanUser.WebApi.Cli;

/// <summary><c>migrate</c>: applies the database migrations and exits (docs/operations.md#verbs).</summary>
internal static class MigrateVerb
{
    public static Command Create()
    {
        var command = new Command("migrate", "Apply the database migrations and exit.");
        Verb.SetAction(command, async (_, context, _) =>
        {
            if (!await context.PrepareDatabaseAsync().ConfigureAwait(false))
            {
                return ExitCodes.Unavailable;
            }

            await context.Output.WriteLineAsync("Database is up to date.").ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }
}
