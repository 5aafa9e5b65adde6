using System.Globalization;
using System.Text.Json;
using CleanUser.Application.Common.Security;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Infrastructure.Identity;
using CleanUser.Infrastructure.Outbox;
using CleanUser.WebApi.Infrastructure;
using CleanUser.WebApi.Users;
using MediatR;
using Microsoft.Extensions.Options;

namespace CleanUser.WebApi.Cli;

/// <summary>
/// Operator verbs run instead of the server: <c>migrate</c>, <c>token ID</c>, and <c>user patch ID --field value …</c>,
/// which is an internal module in the sense of docs/api.md#authorization: it builds a <see cref="PatchUserCommand"/> and sends it as
/// the system principal, through the same pipeline and rules as HTTP, and prints what an HTTP client would get.
/// </summary>
public static class OperatorCommands
{
    public const string Usage = """
        Usage:
          dotnet run --project src/WebApi                                   serve the API
          dotnet run --project src/WebApi -- migrate                        apply database migrations and exit
          dotnet run --project src/WebApi -- token USER_ID [--hours N]      print an access token for a user
          dotnet run --project src/WebApi -- user patch USER_ID --FIELD VALUE ...
                fields: --username --real_name --bio --location --location_lat_lng --position_lat_lng
                        --date_of_birth --description --gender --website --avatar --cover
                        --avatar_base64 --cover_base64 (data:image/png;base64,…)
                        (dashes work too: --real-name); --FIELD= sets an empty value, --null FIELD resets it
        """;

    public static bool IsVerb(string[] args) => args is ["migrate", ..] or ["token", ..] or ["user", ..] or ["help" or "--help" or "-h", ..];

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        await using var scope = services.CreateAsyncScope();
        switch (args)
        {
            case ["migrate"]:
                if (!await DatabaseStartup.PrepareAsync(services, seedDemo: false, error).ConfigureAwait(false))
                {
                    return 1;
                }

                await output.WriteLineAsync("Database is up to date.").ConfigureAwait(false);
                return 0;
            case ["token", var id, .. var rest] when TryParseId(id, out var userId) && TryParseHours(rest, out var hours):
                if (hours > scope.ServiceProvider.GetRequiredService<IOptions<AuthOptions>>().Value.MaxTokenLifetime)
                {
                    // The service would refuse the token (docs/api.md#authentication).
                    await error.WriteLineAsync("--hours is longer than Auth:MaxTokenLifetimeHours accepts.").ConfigureAwait(false);
                    return 2;
                }

                await output.WriteLineAsync(scope.ServiceProvider.GetRequiredService<AccessTokens>().Issue(userId, hours)).ConfigureAwait(false);
                return 0;
            case ["user", "patch", var id, .. var fields] when TryParseId(id, out var userId):
                return await PatchAsync(scope.ServiceProvider, userId, fields, output, error).ConfigureAwait(false);
            default:
                await error.WriteLineAsync(Usage).ConfigureAwait(false);
                return 2;
        }
    }

    private static async Task<int> PatchAsync(IServiceProvider services, long userId, string[] fields, TextWriter output, TextWriter error)
    {
        if (!TryBuildCommand(userId, fields, out var command, out var problem))
        {
            await error.WriteLineAsync(problem).ConfigureAwait(false);
            await error.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }

        if (!await DatabaseStartup.PrepareAsync(services, seedDemo: false, error).ConfigureAwait(false))
        {
            return 1;
        }

        services.GetRequiredService<CurrentCaller>().ActAs(Caller.System);
        try
        {
            var user = await services.GetRequiredService<IMediator>().Send(command, CancellationToken.None).ConfigureAwait(false);
            await output.WriteLineAsync(JsonSerializer.Serialize(user, Indented)).ConfigureAwait(false);
            // No dispatcher runs in a one-off verb: deliver what this change put in the outbox now (e.g. delete the
            // replaced image). Whatever fails here stays pending for the next running instance.
            await services.GetRequiredService<OutboxDelivery>().DeliverDueAsync(CancellationToken.None).ConfigureAwait(false);
            return 0;
        }
#pragma warning disable CA1031 // Every failure is reported the way the HTTP API reports it.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            var body = ProblemExceptionHandler.ToProblem(exception);
            await error.WriteLineAsync(JsonSerializer.Serialize(body, Indented)).ConfigureAwait(false);
            return 1;
        }
    }

    public static bool TryBuildCommand(long userId, string[] fields, out PatchUserCommand command, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(fields);
        command = new PatchUserCommand(userId, ProfilePatch.Empty);
        problem = null;
        var values = new List<KeyValuePair<string, string?>>();
        for (var i = 0; i < fields.Length; i++)
        {
            var arg = fields[i];
            string? value;
            string key;
            if (arg == "--null" && i + 1 < fields.Length)
            {
                key = FieldName(fields[++i]);
                value = null;
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Contains('=', StringComparison.Ordinal))
            {
                var split = arg[2..].Split('=', 2);
                key = FieldName(split[0]);
                value = split[1];
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal) && i + 1 < fields.Length)
            {
                key = FieldName(arg[2..]);
                value = fields[++i];
            }
            else
            {
                problem = $"Unexpected argument '{arg}'.";
                return false;
            }

            if (ProfileFields.Find(key) is null)
            {
                problem = $"'{key}' is not a writable field.";
                return false;
            }

            values.Add(KeyValuePair.Create(key, value));
        }

        command = command with { Patch = ProfilePatch.Parse(values) };
        return true;
    }

    private static readonly JsonSerializerOptions Indented = new(WireJson.Options) { WriteIndented = true };

    private static string FieldName(string name) => name.Replace('-', '_').ToLowerInvariant();

    private static bool TryParseId(string text, out long id) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0;

    private static bool TryParseHours(string[] rest, out TimeSpan? lifetime)
    {
        lifetime = null;
        if (rest.Length == 0)
        {
            return true;
        }

        if (rest is ["--hours", var text] && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var hours) && hours > 0)
        {
            lifetime = TimeSpan.FromHours(hours);
            return true;
        }

        return false;
    }
}
