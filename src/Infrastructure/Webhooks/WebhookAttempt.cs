namespace CleanUser.Infrastructure.Webhooks;

/// <summary>One POST of a delivery and how it went, for <c>webhook deliveries</c> (docs/operations.md#webhooks).</summary>
public sealed class WebhookAttempt
{
    public const int MaxErrorLength = 500;

    public long Id { get; private set; }

    public long DeliveryId { get; private set; }

    public long EventId { get; private set; }

    public long EndpointId { get; private set; }

    /// <summary>1 for the first attempt of a delivery (and again for the first after a resend).</summary>
    public int Number { get; private set; }

    public DateTime AttemptedAt { get; private set; }

    /// <summary>The answer's status code; <c>null</c> when there was none (timeout, refused connection).</summary>
    public int? StatusCode { get; private set; }

    public bool Succeeded { get; private set; }

    public int DurationMilliseconds { get; private set; }

    public string? Error { get; private set; }

    /// <summary>When the next attempt is due; <c>null</c> after a success or the last attempt.</summary>
    public DateTime? RetryAt { get; private set; }

    public static WebhookAttempt Record(long deliveryId, long eventId, long endpointId, int number, DateTime attemptedAt,
        int? statusCode, bool succeeded, TimeSpan duration, string? error, DateTime? retryAt) => new()
    {
        DeliveryId = deliveryId,
        EventId = eventId,
        EndpointId = endpointId,
        Number = number,
        AttemptedAt = attemptedAt,
        StatusCode = statusCode,
        Succeeded = succeeded,
        DurationMilliseconds = (int)Math.Min(int.MaxValue, Math.Round(duration.TotalMilliseconds)),
        Error = error is { Length: > MaxErrorLength } ? error[..MaxErrorLength] : error,
        RetryAt = retryAt,
    };
}
