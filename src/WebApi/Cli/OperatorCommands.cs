using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;

namespace CleanUser.WebApi.Cli;

/// <summary>
/// Operator verbs run instead of the server (docs/operations.md#verbs), parsed with System.CommandLine. Each verb group
/// is a file that builds its <see cref="Command"/>; adding one is that file and a line in <see cref="CreateRoot"/>.
/// </summary>
public static class OperatorCommands
{
    private static readonly Command Root = CreateRoot();

    /// <summary>Whether <paramref name="args"/> name a verb (or ask for help) rather than settings for the server.</summary>
    public static bool IsVerb(string[] args) =>
        args is [var first, ..] && Root.Children.Any(symbol => symbol is Command or HelpOption && Names(symbol).Contains(first));

    /// <summary>Runs the verb <paramref name="args"/> name; returns its exit code (<see cref="ExitCodes"/>).</summary>
    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(args);
        await using var scope = services.CreateAsyncScope();
        return await InvokeAsync(args, new VerbContext { Services = scope.ServiceProvider, Output = output, Error = error })
            .ConfigureAwait(false);
    }

    private static Command CreateRoot()
    {
        var root = new Command("CleanUser.WebApi", "Operator verbs; without one, CleanUser serves the API.")
        {
            MigrateVerb.Create(),
            TokenVerb.Create(),
            UserVerbs.Create(),
            WebhookVerbs.Create(),
            new HelpOption(),
        };
        var verbs = new Argument<string[]>("VERB") { Description = "The verb to describe, e.g. 'user patch'." };
        var help = new Command("help", "Show help for a verb.") { verbs };
        Verb.SetAction(help, (parse, context, _) => InvokeAsync([.. parse.GetValue(verbs) ?? [], "--help"], context));
        root.Add(help);
        return root;
    }

    private static async Task<int> InvokeAsync(string[] args, VerbContext context)
    {
        // Response files are off: a value may start with '@' (a bio, a handle).
        var parse = Root.Parse(args.SelectMany(EmptyValue).ToList(), new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Errors.Count == 0)
        {
            return await parse.InvokeAsync(context).ConfigureAwait(false);
        }

        // Each error names the bad argument; the whole help would bury them.
        foreach (var problem in parse.Errors)
        {
            await context.Error.WriteLineAsync(problem.Message).ConfigureAwait(false);
        }

        await context.Error.WriteLineAsync($"See '{string.Join(' ', [.. VerbPath(parse.CommandResult), "--help"])}'.").ConfigureAwait(false);
        return ExitCodes.Usage;
    }

    /// <summary><c>--FIELD=</c> is an option with an empty value, as the shell wrote it.</summary>
    private static IEnumerable<string> EmptyValue(string arg) =>
        arg.Length > 3 && arg.StartsWith("--", StringComparison.Ordinal) && arg.EndsWith('=') && arg.IndexOf('=', StringComparison.Ordinal) == arg.Length - 1
            ? [arg[..^1], ""]
            : [arg];

    /// <summary>The verb's words, e.g. <c>user patch</c>: the names of the commands from the root's child down.</summary>
    private static IEnumerable<string> VerbPath(CommandResult command) =>
        command.Parent is CommandResult parent ? [.. VerbPath(parent), command.Command.Name] : [];

    private static IEnumerable<string> Names(Symbol symbol) => symbol switch
    {
        Command command => [command.Name, .. command.Aliases],
        Option option => [option.Name, .. option.Aliases],
        _ => [],
    };
}
