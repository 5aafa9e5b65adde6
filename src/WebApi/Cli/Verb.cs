using System.CommandLine;
using System.Globalization;

namespace CleanUser.WebApi.Cli;

/// <summary>The pieces verbs share: how an action gets its <see cref="VerbContext"/>, and the common arguments and options.</summary>
internal static class Verb
{
    /// <summary>Runs <paramref name="action"/> when <paramref name="command"/> is parsed without errors.</summary>
    public static void SetAction(Command command, Func<ParseResult, VerbContext, CancellationToken, Task<int>> action) =>
        command.SetAction((parse, cancellationToken) => action(parse, (VerbContext)parse.InvocationConfiguration, cancellationToken));

    /// <summary>A user id as the API reads it (docs/api.md#endpoints): a positive 64-bit integer.</summary>
    public static Argument<long> UserId() => Id("USER_ID", "The user's id, a positive whole number.");

    /// <summary>An argument <paramref name="name"/> that is an id: a positive 64-bit integer.</summary>
    public static Argument<long> Id(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens[0].Value;
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
            {
                return id;
            }

            result.AddError($"{name} must be a positive whole number, not '{text}'.");
            return 0;
        },
    };

    /// <summary><c>--json</c> on every verb whose output is data; <paramref name="description"/> says what it changes there.</summary>
    public static Option<bool> Json(string description) => new("--json") { Description = description };
}
