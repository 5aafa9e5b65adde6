using System.CommandLine;
using System.Text.Json;
using CleanUser.Application.Audit;
using CleanUser.Application.Common.Security;
using CleanUser.Infrastructure.Outbox;
using CleanUser.WebApi.Infrastructure;
using MediatR;

namespace CleanUser.WebApi.Cli;

/// <summary>
/// What a verb's action runs with: the writers (as an <see cref="InvocationConfiguration"/>, so help and parse errors
/// use them too) and a scope of the app's services. <see cref="Verb.SetAction"/> hands it to the action.
/// </summary>
internal sealed class VerbContext : InvocationConfiguration
{
    private static readonly JsonSerializerOptions Indented = new(WireJson.Options) { WriteIndented = true };

    public required IServiceProvider Services { get; init; }

    /// <summary>Applies pending migrations; on failure prints one line naming the cause (docs/operations.md#exit-codes).</summary>
    public Task<bool> PrepareDatabaseAsync() => DatabaseStartup.PrepareAsync(Services, seedDemo: false, Error);

    /// <summary>
    /// Sends <paramref name="request"/> as the system principal, an internal module in the sense of
    /// docs/api.md#authorization: the same pipeline and rules as HTTP; its changes are audited as made from the CLI
    /// (docs/security.md#audit-trail). Prints the result as JSON (or as <paramref name="text"/> renders it, when given), or
    /// the problem body an HTTP client would get. With <paramref name="deliverOutbox"/> (a change), it then delivers what
    /// the change put in the outbox, as no dispatcher runs in a one-off verb (e.g. deletes the replaced image); whatever
    /// fails there stays pending for the next running instance (docs/outbox.md#operator-verbs).
    /// </summary>
    public Task<int> SendAsSystemAsync<T>(IRequest<T> request, CancellationToken cancellationToken, bool deliverOutbox = false,
        Func<T, string>? text = null) =>
        RunAsync(token =>
        {
            Services.GetRequiredService<CurrentCaller>().ActAs(Caller.System);
            Services.GetRequiredService<ChangeOrigin>().FromCli();
            return Services.GetRequiredService<IMediator>().Send(request, token);
        }, async (result, token) =>
        {
            await (text is null ? WriteJsonAsync(result) : Output.WriteLineAsync(text(result))).ConfigureAwait(false);
            if (deliverOutbox)
            {
                await Services.GetRequiredService<OutboxDelivery>().DeliverDueAsync(token).ConfigureAwait(false);
            }
        }, cancellationToken);

    /// <summary>
    /// Prepares the database, runs <paramref name="work"/> and hands its result to <paramref name="report"/>. A failure
    /// is printed on standard error as the problem body an HTTP client would get (docs/operations.md#exit-codes).
    /// </summary>
    public async Task<int> RunAsync<T>(Func<CancellationToken, Task<T>> work, Func<T, CancellationToken, Task> report,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(report);
        if (!await PrepareDatabaseAsync().ConfigureAwait(false))
        {
            return ExitCodes.Unavailable;
        }

        try
        {
            await report(await work(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            return ExitCodes.Ok;
        }
#pragma warning disable CA1031 // Every failure is reported the way the HTTP API reports it.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            var problem = ProblemExceptionHandler.ToProblem(exception);
            await Error.WriteLineAsync(JsonSerializer.Serialize(problem, Indented)).ConfigureAwait(false);
            return problem.Status == StatusCodes.Status503ServiceUnavailable ? ExitCodes.Unavailable : ExitCodes.Refused;
        }
    }

    /// <summary>Prints <paramref name="value"/> as one JSON document in the wire dialect (snake_case).</summary>
    public Task WriteJsonAsync<T>(T value) => Output.WriteLineAsync(JsonSerializer.Serialize(value, Indented));
}
