using System.CommandLine;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Application.Users.Queries.GetUser;

namespace CleanUser.WebApi.Cli;

/// <summary><c>user show</c> and <c>user patch</c> (docs/operations.md#verbs).</summary>
internal static class UserVerbs
{
    private const string JsonAlways = "Print JSON (this verb always does; accepted like on every verb whose output is data).";

    public static Command Create() => new("user", "Read or change a user as the system principal.") { Show(), Patch() };

    /// <summary><c>user show USER_ID</c>: the user as <c>GET /api/v2/user/{id}/</c> returns it.</summary>
    private static Command Show()
    {
        var userId = Verb.UserId();
        var command = new Command("show", "Print a user as GET /api/v2/user/{id}/ returns it.") { userId, Verb.Json(JsonAlways) };
        Verb.SetAction(command, (parse, context, cancellationToken) =>
            context.SendAsSystemAsync(new GetUserQuery(parse.GetValue(userId)), cancellationToken));
        return command;
    }

    /// <summary>
    /// <c>user patch USER_ID --FIELD VALUE … [--null FIELD]…</c>: one option per writable field of
    /// <see cref="ProfileFields"/> (its wire name, and the same with dashes), sent as a <see cref="PatchUserCommand"/>.
    /// </summary>
    private static Command Patch()
    {
        var userId = Verb.UserId();
        var fields = ProfileFields.All.Select(field => (Field: field, Option: FieldOption(field))).ToList();
        var nulls = new Option<string[]>("--null")
        {
            Description = "Send null for FIELD: resets it (repeat for several fields).",
            HelpName = "FIELD",
        };
        nulls.Validators.Add(result =>
        {
            foreach (var name in result.GetValueOrDefault<string[]>().Where(name => ProfileFields.Find(FieldName(name)) is null))
            {
                result.AddError($"'{name}' is not a writable field.");
            }
        });
        var command = new Command("patch", "Change a user's profile as PATCH /api/v2/user/{id}/ does and print the user.") { userId };
        foreach (var (_, option) in fields)
        {
            command.Add(option);
        }

        command.Add(nulls);
        command.Add(Verb.Json(JsonAlways));
        command.Validators.Add(result =>
        {
            var nulled = result.GetValue(nulls) ?? [];
            foreach (var (_, option) in fields.Where(f => result.GetResult(f.Option) is not null && nulled.Any(n => FieldName(n) == f.Field.Name)))
            {
                result.AddError($"{option.Name} is given both a value and --null.");
            }
        });
        Verb.SetAction(command, (parse, context, cancellationToken) =>
        {
            var values = fields.Where(f => parse.GetResult(f.Option) is not null)
                .Select(f => KeyValuePair.Create(f.Field.Name, parse.GetValue(f.Option)))
                .Concat((parse.GetValue(nulls) ?? []).Select(name => KeyValuePair.Create(FieldName(name), (string?)null)));
            return context.SendAsSystemAsync(new PatchUserCommand(parse.GetValue(userId), ProfilePatch.Parse(values)), cancellationToken,
                deliverOutbox: true);
        });
        return command;
    }

    /// <summary><c>--real_name</c>, also <c>--real-name</c>; <c>--FIELD=</c> is an empty value (see <see cref="OperatorCommands"/>).</summary>
    private static Option<string> FieldOption(ProfileField field)
    {
        var dashed = field.Name.Replace('_', '-');
        return new Option<string>("--" + field.Name, dashed == field.Name ? [] : ["--" + dashed])
        {
            Description = field.Schema.Description ?? (field.Schema.MaxLength is { } max ? $"Text, at most {max} characters." : null),
            HelpName = "VALUE",
        };
    }

    private static string FieldName(string name) => name.Replace('-', '_');
}
