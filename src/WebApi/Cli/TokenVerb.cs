using System.CommandLine;
using System.Globalization;
using CleanUser.Infrastructure.Identity;
using Microsoft.Extensions.Options;

namespace CleanUser.WebApi.Cli;

/// <summary><c>token USER_ID [--hours N]</c>: prints an access token for a user (docs/api.md#authentication).</summary>
internal static class TokenVerb
{
    public static Command Create()
    {
        var userId = Verb.UserId();
        var hours = new Option<double?>("--hours")
        {
            Description = "Lifetime in hours (default Auth:TokenLifetime, at most Auth:MaxTokenLifetimeHours).",
            HelpName = "N",
            CustomParser = result =>
            {
                var text = result.Tokens[0].Value;
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0)
                {
                    return value;
                }

                result.AddError($"--hours must be a positive number, not '{text}'.");
                return null;
            },
        };
        var command = new Command("token", "Print an access token for a user.") { userId, hours };
        Verb.SetAction(command, async (parse, context, _) =>
        {
            var lifetime = parse.GetValue(hours) is { } h ? TimeSpan.FromHours(h) : (TimeSpan?)null;
            if (lifetime > context.Services.GetRequiredService<IOptions<AuthOptions>>().Value.MaxTokenLifetime)
            {
                // The service would refuse the token (docs/api.md#authentication).
                await context.Error.WriteLineAsync("--hours is longer than Auth:MaxTokenLifetimeHours accepts.").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            var token = context.Services.GetRequiredService<AccessTokens>().Issue(parse.GetValue(userId), lifetime);
            await context.Output.WriteLineAsync(token).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }
}
