using System.Threading.Channels;

namespace CleanUser.Infrastructure.Outbox;

/// <summary>
/// Wakes this process's dispatcher when a transaction has just committed outbox rows, so delivery is prompt
/// without polling the database often. Many signals before the dispatcher wakes count as one.
/// </summary>
public sealed class OutboxSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public void Notify() => _channel.Writer.TryWrite(true);

    /// <summary>Waits for a signal or until <paramref name="timeout"/> has passed, whichever is first.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await _channel.Reader.WaitToReadAsync(timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The timeout: time for a poll.
        }

        _channel.Reader.TryRead(out _);
    }
}
