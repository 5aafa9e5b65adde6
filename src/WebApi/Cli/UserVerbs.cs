using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CleanUser.Application.Audit;
using CleanUser.Application.Audit.Queries.GetUserHistory;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Application.Users.Queries.GetUser;
using CleanUser.WebApi.Infrastructure;

namespace CleanUser.WebApi.Cli;

/// <summary><c>user show</c>, <c>user patch</c> and <c>user history</c> (docs/operations.md#verbs).</summary>
internal static class UserVerbs
{
    private const string JsonAlways = "Print JSON (this verb always does; accepted like on every verb whose output is data).";

    /// <summary>How many entries <c>user history</c> prints without <c>--limit</c>.</summary>
    public const int DefaultHistoryLimit = 50;

    public static Command Create() => new("user", "Read or change a user as the system principal.") { Show(), Patch(), History() };

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

    /// <summary>
    /// <c>user history USER_ID [--limit N] [--json]</c>: the user's audit entries, newest first (docs/security.md#audit-trail);
    /// as text, or as the JSON array of docs/operations.md#verbs.
    /// </summary>
    private static Command History()
    {
        var userId = Verb.UserId();
        var limit = new Option<int>("--limit")
        {
            Description = $"Print at most N entries, the newest (default {DefaultHistoryLimit}).",
            HelpName = "N",
            DefaultValueFactory = _ => DefaultHistoryLimit,
            CustomParser = result =>
            {
                var text = result.Tokens[0].Value;
                if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0)
                {
                    return value;
                }

                result.AddError($"--limit must be a positive whole number, not '{text}'.");
                return 0;
            },
        };
        var json = Verb.Json("Print the entries as one JSON array: id, at, user_id, actor, channel, request_id, ip, user_agent, changes.");
        var command = new Command("history", "Print a user's audit entries (who changed what, when and from where), newest first.")
        {
            userId, limit, json,
        };
        Verb.SetAction(command, (parse, context, cancellationToken) =>
            context.SendAsSystemAsync(new GetUserHistoryQuery(parse.GetValue(userId), parse.GetValue(limit)), cancellationToken,
                text: parse.GetValue(json) ? null : entries => HistoryText(parse.GetValue(userId), entries)));
        return command;
    }

    /// <summary>One line per entry, then one per changed field; values as JSON text, so <c>""</c> and <c>null</c> differ.</summary>
    private static string HistoryText(long userId, IReadOnlyList<AuditEntryDto> entries)
    {
        if (entries.Count == 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"No audit entries for user {userId}.");
        }

        var text = new StringBuilder();
        foreach (var entry in entries)
        {
            text.Append(CultureInfo.InvariantCulture, $"#{entry.Id} {entry.At:yyyy-MM-dd'T'HH:mm:ss'Z'} {entry.Actor} via {entry.Channel}");
            if (entry.RequestId is not null)
            {
                text.Append(CultureInfo.InvariantCulture, $" (request {entry.RequestId}, ip {entry.Ip ?? "unknown"}, agent {Quoted(entry.UserAgent)})");
            }

            text.AppendLine();
            foreach (var change in entry.Changes)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {change.Field}: {Quoted(change.Old)} -> {Quoted(change.New)}");
            }
        }

        return text.ToString().TrimEnd();
    }

    private static string Quoted(string? value) => JsonSerializer.Serialize(value, WireJson.Options);

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
