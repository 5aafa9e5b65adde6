using CleanUser.Infrastructure.Persistence;

namespace CleanUser.WebApi.Infrastructure;

/// <summary>
/// Brings the database up to date before the service (or an operator verb) uses it. When that fails — the server
/// is unreachable, the credentials are wrong, a migration fails — the operator gets one line naming the provider
/// and the cause, and the process exits 1.
/// </summary>
public static class DatabaseStartup
{
    /// <returns>Whether the database is ready; when not, the reason has been written to <paramref name="error"/>.</returns>
    public static async Task<bool> PrepareAsync(IServiceProvider services, bool seedDemo, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            await using var scope = services.CreateAsyncScope();
            var database = scope.ServiceProvider.GetRequiredService<DatabaseInitializer>();
            await database.MigrateAsync(CancellationToken.None).ConfigureAwait(false);
            if (seedDemo)
            {
                await database.SeedDemoCommunityAsync(CancellationToken.None).ConfigureAwait(false);
            }

            return true;
        }
#pragma warning disable CA1031 // Whatever failed, the process ends here: the operator needs the cause, not a stack trace.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            var provider = DatabaseConfiguration.ProviderOf(services.GetRequiredService<IConfiguration>());
            await error.WriteLineAsync(
                $"CleanUser cannot start: the {provider} database could not be prepared: {Describe(exception)}").ConfigureAwait(false);
            return false;
        }
    }

    /// <summary>The messages of the exception and its causes, without repeats: "retries exceeded — Failed to connect to … — Connection refused".</summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var messages = new List<string>();
        for (var current = exception; current is not null; current = current.InnerException)
        {
            var message = current.Message.Trim();
            if (message.Length > 0 && !messages.Contains(message, StringComparer.Ordinal))
            {
                messages.Add(message);
            }
        }

        return string.Join(" — ", messages);
    }
}
