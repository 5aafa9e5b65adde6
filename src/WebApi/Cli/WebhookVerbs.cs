using System.CommandLine;
using System.Globalization;
using CleanUser.Infrastructure.Webhooks;

namespace CleanUser.WebApi.Cli;

/// <summary>
/// <c>webhook add|list|remove|rotate-secret|deliveries|resend</c> (docs/operations.md#webhooks): endpoints and their
/// history, stored in the database. Text by default; with <c>--json</c>, one JSON document.
/// </summary>
internal static class WebhookVerbs
{
    private const int DefaultAttempts = 20;

    public static Command Create() => new("webhook", "Manage the endpoints that receive webhooks, and their deliveries.")
    {
        Add(), List(), Remove(), RotateSecret(), Deliveries(), Resend(),
    };

    /// <summary><c>webhook add --target URL [--events TYPE…] [--description TEXT]</c>: prints the id and the secret, once.</summary>
    private static Command Add()
    {
        var target = new Option<Uri>("--target")
        {
            Description = "Where to POST events: an absolute http or https URL.",
            HelpName = "URL",
            Required = true,
            CustomParser = result =>
            {
                var text = result.Tokens[0].Value;
                if (WebhookEndpoint.TryParseTarget(text, out var uri))
                {
                    return uri;
                }

                result.AddError($"--target must be an absolute http or https URL with a host and no user name, not '{text}'.");
                return null;
            },
        };
        var events = new Option<string[]>("--events")
        {
            Description = $"The event types to send (default and only one today: {WebhookEventTypes.UserUpdated}).",
            HelpName = "TYPE",
            AllowMultipleArgumentsPerToken = true,
            DefaultValueFactory = _ => [WebhookEventTypes.UserUpdated],
        };
        events.Validators.Add(result =>
        {
            foreach (var type in result.GetValueOrDefault<string[]>().Where(t => !WebhookEventTypes.All.Contains(t)))
            {
                result.AddError($"--events: '{type}' is not an event type; known: {string.Join(", ", WebhookEventTypes.All)}.");
            }
        });
        var description = new Option<string>("--description")
        {
            Description = $"A note for operators, at most {WebhookEndpoint.MaxDescriptionLength} characters.",
            HelpName = "TEXT",
        };
        description.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>()?.Trim().Length > WebhookEndpoint.MaxDescriptionLength)
            {
                result.AddError($"--description is longer than {WebhookEndpoint.MaxDescriptionLength} characters.");
            }
        });
        var json = Verb.Json("Print {\"id\", \"target\", \"events\", \"is_active\", \"secret\"}.");
        var command = new Command("add", "Add an endpoint; prints its id and its signing secret, which is not shown again.")
        {
            target, events, description, json,
        };
        Verb.SetAction(command, (parse, context, cancellationToken) => context.RunAsync(
            token => context.Services.GetRequiredService<WebhookEndpoints>()
                .AddAsync(parse.GetValue(target)!, parse.GetValue(events)!, parse.GetValue(description), token),
            async (endpoint, _) =>
            {
                if (parse.GetValue(json))
                {
                    await context.WriteJsonAsync(new AddedEndpoint(endpoint.Id, endpoint.Target, endpoint.EventTypes, endpoint.IsActive,
                        endpoint.Secret)).ConfigureAwait(false);
                    return;
                }

                await context.Output.WriteLineAsync(Invariant(
                    $"Endpoint {endpoint.Id} added: {endpoint.Target} ({string.Join(", ", endpoint.EventTypes)}).")).ConfigureAwait(false);
                await SecretAsync(context, endpoint).ConfigureAwait(false);
            }, cancellationToken));
        return command;
    }

    /// <summary><c>webhook list</c>: every endpoint, removed ones too, without secrets.</summary>
    private static Command List()
    {
        var json = Verb.Json("Print an array of {\"id\", \"target\", \"events\", \"description\", \"is_active\", \"created\"}.");
        var command = new Command("list", "List the endpoints (secrets are never shown).") { json };
        Verb.SetAction(command, (parse, context, cancellationToken) => context.RunAsync(
            token => context.Services.GetRequiredService<WebhookEndpoints>().ListAsync(token),
            async (endpoints, _) =>
            {
                if (parse.GetValue(json))
                {
                    await context.WriteJsonAsync(endpoints.Select(ListedEndpoint.Of).ToList()).ConfigureAwait(false);
                    return;
                }

                if (endpoints.Count == 0)
                {
                    await context.Output.WriteLineAsync("No endpoints.").ConfigureAwait(false);
                }

                foreach (var e in endpoints)
                {
                    await context.Output.WriteLineAsync(Invariant(
                        $"{e.Id}\t{(e.IsActive ? "active" : "removed")}\t{string.Join(",", e.EventTypes)}\t{e.Target}\t{e.Description}"))
                        .ConfigureAwait(false);
                }
            }, cancellationToken));
        return command;
    }

    /// <summary><c>webhook remove ID</c>: deactivates the endpoint; what was still to be sent to it is cancelled.</summary>
    private static Command Remove()
    {
        var id = EndpointId();
        var json = Verb.Json("Print {\"id\", \"is_active\"}.");
        var command = new Command("remove", "Remove an endpoint: nothing more is sent to it; its history is kept.") { id, json };
        Verb.SetAction(command, (parse, context, cancellationToken) => context.RunAsync(
            token => context.Services.GetRequiredService<WebhookEndpoints>().RemoveAsync(parse.GetValue(id), token),
            (endpoint, _) => parse.GetValue(json)
                ? context.WriteJsonAsync(new { endpoint.Id, endpoint.IsActive })
                : context.Output.WriteLineAsync(Invariant($"Endpoint {endpoint.Id} removed.")),
            cancellationToken));
        return command;
    }

    /// <summary><c>webhook rotate-secret ID</c>: prints the new secret, once.</summary>
    private static Command RotateSecret()
    {
        var id = EndpointId();
        var json = Verb.Json("Print {\"id\", \"secret\"}.");
        var command = new Command("rotate-secret", "Give an endpoint a new signing secret and print it; the old one stops at once.") { id, json };
        Verb.SetAction(command, (parse, context, cancellationToken) => context.RunAsync(
            token => context.Services.GetRequiredService<WebhookEndpoints>().RotateSecretAsync(parse.GetValue(id), token),
            (endpoint, _) => parse.GetValue(json)
                ? context.WriteJsonAsync(new { endpoint.Id, endpoint.Secret })
                : SecretAsync(context, endpoint),
            cancellationToken));
        return command;
    }

    /// <summary><c>webhook deliveries ID [--limit N]</c>: the endpoint's latest attempts, newest first.</summary>
    private static Command Deliveries()
    {
        var id = EndpointId();
        var limit = new Option<int>("--limit")
        {
            Description = $"How many attempts to show (default {DefaultAttempts}).",
            HelpName = "N",
            DefaultValueFactory = _ => DefaultAttempts,
        };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--limit must be a positive whole number.");
            }
        });
        var json = Verb.Json("Print an array of {\"event_id\", \"attempt\", \"at\", \"status\", \"succeeded\", \"duration_ms\", \"error\", \"retry_at\"}.");
        var command = new Command("deliveries", "Show an endpoint's latest delivery attempts: event, time, status, duration, error.")
        {
            id, limit, json,
        };
        Verb.SetAction(command, (parse, context, cancellationToken) => context.RunAsync(
            token => context.Services.GetRequiredService<WebhookEndpoints>().AttemptsAsync(parse.GetValue(id), parse.GetValue(limit), token),
            async (attempts, _) =>
            {
                var shown = attempts.Select(ShownAttempt.Of).ToList();
                if (parse.GetValue(json))
                {
                    await context.WriteJsonAsync(shown).ConfigureAwait(false);
                    return;
                }

                if (shown.Count == 0)
                {
                    await context.Output.WriteLineAsync("No attempts yet.").ConfigureAwait(false);
                }

                foreach (var a in shown)
                {
                    await context.Output.WriteLineAsync(Invariant(
                        $"event {a.EventId}\tattempt {a.Attempt}\t{a.At:yyyy-MM-ddTHH:mm:ss.fffZ}\t{a.Status?.ToString(CultureInfo.InvariantCulture) ?? "-"}\t{a.DurationMs} ms\t{(a.Succeeded ? "delivered" : a.Error)}{(a.RetryAt is { } at ? $"; retry at {at:yyyy-MM-ddTHH:mm:ss.fffZ}" : "")}"))
                        .ConfigureAwait(false);
                }
            }, cancellationToken));
        return command;
    }

    /// <summary><c>webhook resend EVENT_ID</c>: the event again, same <c>event_id</c> and body, to every active subscribed endpoint.</summary>
    private static Command Resend()
    {
        var eventId = Verb.Id("EVENT_ID", "The event's event_id, as receivers saw it or `webhook deliveries` shows it.");
        var json = Verb.Json("Print {\"event_id\", \"endpoints\"}.");
        var command = new Command("resend", "Queue an event again for every active endpoint subscribed to it; a running instance sends it.")
        {
            eventId, json,
        };
        Verb.SetAction(command, (parse, context, cancellationToken) => context.RunAsync(
            token => context.Services.GetRequiredService<WebhookDeliveries>().ResendAsync(parse.GetValue(eventId), token),
            (endpoints, _) => parse.GetValue(json)
                ? context.WriteJsonAsync(new { EventId = parse.GetValue(eventId), Endpoints = endpoints })
                : context.Output.WriteLineAsync(Invariant(
                    $"Event {parse.GetValue(eventId)} queued again for {endpoints.Count} endpoint(s){(endpoints.Count > 0 ? ": " + string.Join(", ", endpoints) : "")}.")),
            cancellationToken));
        return command;
    }

    private static Argument<long> EndpointId() => Verb.Id("ID", "The endpoint's id, as `webhook add` printed it.");

    private static async Task SecretAsync(VerbContext context, WebhookEndpoint endpoint)
    {
        await context.Output.WriteLineAsync($"Signing secret (shown only now): {endpoint.Secret}").ConfigureAwait(false);
        await context.Output.WriteLineAsync("Receivers verify the SelfCommunity-Signature header with it (docs/webhooks.md#verifying).")
            .ConfigureAwait(false);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));

    private sealed record AddedEndpoint(long Id, string Target, IReadOnlyList<string> Events, bool IsActive, string Secret);

    private sealed record ListedEndpoint(long Id, string Target, IReadOnlyList<string> Events, string Description, bool IsActive,
        DateTimeOffset Created)
    {
        public static ListedEndpoint Of(WebhookEndpoint e) => new(e.Id, e.Target, e.EventTypes, e.Description, e.IsActive, Utc(e.CreatedAt));
    }

    private sealed record ShownAttempt(long EventId, int Attempt, DateTimeOffset At, int? Status, bool Succeeded, int DurationMs,
        string? Error, DateTimeOffset? RetryAt)
    {
        public static ShownAttempt Of(WebhookAttempt a) => new(a.EventId, a.Number, Utc(a.AttemptedAt), a.StatusCode, a.Succeeded,
            a.DurationMilliseconds, a.Error, a.RetryAt is { } retry ? Utc(retry) : null);
    }
}
