namespace CleanUser.Infrastructure.Idempotency;

/// <summary>
/// One <c>Idempotency-Key</c> of one caller (docs/adr/0016-idempotent-writes.md). While its first request runs it is a
/// marker without a response, alive until <see cref="ExpiresAt"/> (the lease); once that request has answered, it holds
/// the response, kept until <see cref="ExpiresAt"/> (the retention). Past that time the key is free again. Times are UTC.
/// </summary>
public sealed class IdempotencyRecord
{
    /// <summary>docs/api.md#idempotency: a key is 1–255 characters.</summary>
    public const int MaxKeyLength = 255;

    private IdempotencyRecord()
    {
        Key = null!;
        Fingerprint = null!;
    }

    /// <summary>The user whose key it is: keys are scoped to the caller.</summary>
    public long CallerId { get; private set; }

    public string Key { get; private set; }

    /// <summary>SHA-256 over the request's method, path, content type and the SHA-256 of its body.</summary>
    public byte[] Fingerprint { get; private set; }

    /// <summary>New with every claim: only the request holding it may store a response or release the key.</summary>
    public Guid ClaimToken { get; private set; }

    public DateTime ExpiresAt { get; private set; }

    /// <summary>The stored response's status; <c>null</c> while the first request is still running.</summary>
    public int? Status { get; private set; }

    public string? ContentType { get; private set; }

    public byte[]? Body { get; private set; }

    public string? ETag { get; private set; }

    public static IdempotencyRecord Claimed(IdempotencyClaim claim, byte[] fingerprint, DateTime leaseEnd)
    {
        ArgumentNullException.ThrowIfNull(claim);
        return new IdempotencyRecord
        {
            CallerId = claim.CallerId,
            Key = claim.Key,
            Fingerprint = fingerprint,
            ClaimToken = claim.Token,
            ExpiresAt = leaseEnd,
        };
    }

    public StoredResponse? Response => Status is { } status ? new StoredResponse(status, ContentType, Body ?? [], ETag) : null;
}

/// <summary>A key this request holds: <see cref="Token"/> proves it when the response is stored or the key released.</summary>
public sealed record IdempotencyClaim(long CallerId, string Key, Guid Token);

/// <summary>What a request with a key answered: replayed as it was to a repeat of the request.</summary>
public sealed record StoredResponse(int Status, string? ContentType, byte[] Body, string? ETag);
