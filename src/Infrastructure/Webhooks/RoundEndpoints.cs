namespace CleanUser.Infrastructure.Webhooks;

/// <summary>
/// The active endpoints as the running outbox round read them at its first row, so the round's fan-out asks the database
/// once rather than once per row (docs/adr/0028-webhook-endpoints-per-round.md). Only the last round's are kept: a round
/// reads them afresh, so an endpoint added or removed shows from the next round on.
/// </summary>
public sealed class RoundEndpoints
{
    private Read? _last;

    /// <summary>The endpoints <paramref name="round"/> read, or <c>null</c> when it has read none yet.</summary>
    public IReadOnlyList<WebhookEndpoint>? Of(string round) => Volatile.Read(ref _last) is { } last && last.Round == round ? last.Active : null;

    public void Keep(string round, IReadOnlyList<WebhookEndpoint> active) => Volatile.Write(ref _last, new Read(round, active));

    private sealed record Read(string Round, IReadOnlyList<WebhookEndpoint> Active);
}
