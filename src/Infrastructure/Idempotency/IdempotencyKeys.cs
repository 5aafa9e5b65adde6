using CleanUser.Application.Common.Interfaces;
using CleanUser.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CleanUser.Infrastructure.Idempotency;

/// <summary>
/// The stored <c>Idempotency-Key</c>s (docs/adr/0016-idempotent-writes.md). A request claims its key in a short
/// transaction of its own, committed before it runs; its response is stored later by the holder of that claim only —
/// with the change, inside the change's transaction, or (a refusal, nothing changed) in a transaction of its own. The
/// claim token fences every later write: a request whose key was taken over after its lease ran out stores nothing.
/// Each transaction is one of the unit of work: a turn of this process's writers on SQLite, retried on PostgreSQL.
/// </summary>
public sealed class IdempotencyKeys(
    CleanUserDbContext db,
    IUnitOfWork unitOfWork,
    IOptions<IdempotencyOptions> options,
    TimeProvider time)
{
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>
    /// Claims <paramref name="key"/> of <paramref name="callerId"/> for the request <paramref name="fingerprint"/> names,
    /// or says why not. A key that has expired, its response or its lease, is free.
    /// </summary>
    public async Task<KeyState> ClaimAsync(long callerId, string key, byte[] fingerprint, CancellationToken cancellationToken)
    {
        // A repeat usually finds the key answered or in use: a read, without waiting for a turn of the writers.
        if (StateOf(await FindAsync(callerId, key, cancellationToken).ConfigureAwait(false), fingerprint) is { } known)
        {
            return known;
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var state = await unitOfWork.ExecuteInTransactionAsync(
                    ct => TryClaimAsync(callerId, key, fingerprint, ct), cancellationToken).ConfigureAwait(false);
                if (state is not null)
                {
                    return state;
                }
            }
            catch (DbUpdateException) when (attempt == 1)
            {
                // PostgreSQL: another request inserted the same key at the same moment. Look again: it holds the key now.
            }
        }
    }

    /// <summary>
    /// Stores the response of the request holding <paramref name="claim"/>: in the open transaction (the change's) or in
    /// one of its own. False when the claim is no longer held — its lease ran out and another request took the key.
    /// </summary>
    public async Task<bool> StoreAsync(IdempotencyClaim claim, StoredResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        var expiresAt = Now + options.Value.Retention;
        var stored = await unitOfWork.ExecuteInTransactionAsync(ct => Held(claim).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, response.Status)
            .SetProperty(r => r.ContentType, response.ContentType)
            .SetProperty(r => r.Body, response.Body)
            .SetProperty(r => r.ETag, response.ETag)
            .SetProperty(r => r.ExpiresAt, expiresAt), ct), cancellationToken).ConfigureAwait(false);
        return stored == 1;
    }

    /// <summary>Frees the key of a request that answered with a server error: the client may send it again.</summary>
    public Task ReleaseAsync(IdempotencyClaim claim, CancellationToken cancellationToken) =>
        unitOfWork.ExecuteInTransactionAsync(ct => Held(claim).ExecuteDeleteAsync(ct), cancellationToken);

    /// <summary>Deletes the keys that have expired (they are free already); safe to run on several instances at once.</summary>
    public Task<int> DeleteExpiredAsync(CancellationToken cancellationToken)
    {
        var now = Now;
        return unitOfWork.ExecuteInTransactionAsync(
            ct => db.Set<IdempotencyRecord>().Where(r => r.ExpiresAt <= now).ExecuteDeleteAsync(ct), cancellationToken);
    }

    /// <summary>In the claim's transaction: the state of the key, or a new claim; <c>null</c> when another request took the key first.</summary>
    private async Task<KeyState?> TryClaimAsync(long callerId, string key, byte[] fingerprint, CancellationToken cancellationToken)
    {
        var row = await FindAsync(callerId, key, cancellationToken).ConfigureAwait(false);
        if (StateOf(row, fingerprint) is { } known)
        {
            return known;
        }

        var claim = new IdempotencyClaim(callerId, key, Guid.NewGuid());
        var leaseEnd = Now + IdempotencyOptions.Lease;
        if (row is null)
        {
            db.Add(IdempotencyRecord.Claimed(claim, fingerprint, leaseEnd));
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return new KeyState.Claimed(claim);
        }

        // Expired: the key is new again. Only if the row is still the one read (another request may be taking it too).
        var taken = await Of(callerId, key).Where(r => r.ClaimToken == row.ClaimToken).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Fingerprint, fingerprint)
            .SetProperty(r => r.ClaimToken, claim.Token)
            .SetProperty(r => r.ExpiresAt, leaseEnd)
            .SetProperty(r => r.Status, (int?)null)
            .SetProperty(r => r.ContentType, (string?)null)
            .SetProperty(r => r.Body, (byte[]?)null)
            .SetProperty(r => r.ETag, (string?)null), cancellationToken).ConfigureAwait(false);
        return taken == 1 ? new KeyState.Claimed(claim) : null;
    }

    /// <summary>What a live key means for the request <paramref name="fingerprint"/> names; <c>null</c> when the key is free.</summary>
    private KeyState? StateOf(IdempotencyRecord? row, byte[] fingerprint)
    {
        if (row is null || row.ExpiresAt <= Now)
        {
            return null;
        }

        if (!row.Fingerprint.AsSpan().SequenceEqual(fingerprint))
        {
            return KeyState.Reused.Instance;
        }

        return row.Response is { } response ? new KeyState.Answered(response) : KeyState.InUse.Instance;
    }

    private Task<IdempotencyRecord?> FindAsync(long callerId, string key, CancellationToken cancellationToken) =>
        Of(callerId, key).AsNoTracking().SingleOrDefaultAsync(cancellationToken);

    private IQueryable<IdempotencyRecord> Of(long callerId, string key) =>
        db.Set<IdempotencyRecord>().Where(r => r.CallerId == callerId && r.Key == key);

    /// <summary>The key while this claim holds it and its request has not answered yet.</summary>
    private IQueryable<IdempotencyRecord> Held(IdempotencyClaim claim)
    {
        ArgumentNullException.ThrowIfNull(claim);
        return Of(claim.CallerId, claim.Key).Where(r => r.ClaimToken == claim.Token && r.Status == null);
    }
}

/// <summary>What a request with an <c>Idempotency-Key</c> finds (docs/api.md#idempotency).</summary>
public abstract record KeyState
{
    private KeyState()
    {
    }

    /// <summary>The key was free: this request holds it now, and runs.</summary>
    public sealed record Claimed(IdempotencyClaim Claim) : KeyState;

    /// <summary>The same request has answered: its response is replayed.</summary>
    public sealed record Answered(StoredResponse Response) : KeyState;

    /// <summary>The same request is still running (409).</summary>
    public sealed record InUse : KeyState
    {
        public static readonly InUse Instance = new();
    }

    /// <summary>The key was used for a different request (422).</summary>
    public sealed record Reused : KeyState
    {
        public static readonly Reused Instance = new();
    }
}
